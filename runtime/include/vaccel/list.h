/* SPDX-License-Identifier: Apache-2.0 */
/* Intrusive doubly-linked list node, as embedded in upstream vAccel 0.8's
 * public structs (sessions, resources, plugins). Part of the ABI: the layout
 * of those structs includes it. The runtime owns the links; applications
 * only ever initialize an unlinked node with LIST_ENTRY_INIT. */
#ifndef VACCEL_LIST_H
#define VACCEL_LIST_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct vaccel_list_entry {
	struct vaccel_list_entry *next;
	struct vaccel_list_entry *prev;
};

/* A node linked to itself: an empty list / an unlinked entry. */
#define LIST_ENTRY_INIT(name) { &(name), &(name) }

#ifdef __cplusplus
}
#endif

#endif
