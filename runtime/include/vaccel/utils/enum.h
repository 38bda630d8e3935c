/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Enum generator macros (upstream vAccel 0.8 public API).
 *
 * A list macro names the items; VACCEL_ENUM_DEF_WITH_STR_FUNCS turns it into
 *   typedef enum { <PREFIX>_<ITEM> [= value], ..., <PREFIX>_MAX } <name>_t;
 *   const char *<name>_to_str(v)       "<PREFIX>_<ITEM>" (or "<PREFIX>_MAX")
 *   const char *<name>_to_base_str(v)  "<ITEM>"          (or "MAX")
 *   char *<name>_name(v, buf, size)    lower-case base name into buf
 * The functions are static inline, so they cost no exported symbols.
 *
 * An item is VACCEL_ENUM_ITEM(NAME, PREFIX) or VACCEL_ENUM_ITEM(NAME, VALUE,
 * PREFIX); the macros below select the form by argument count.
 */
#ifndef VACCEL_UTILS_ENUM_H
#define VACCEL_UTILS_ENUM_H

#include "str.h"
#include <stdlib.h>

/* Big enough for any generated name, including its NUL. */
enum { VACCEL_ENUM_STR_MAX = 128 };

#ifdef __cplusplus
extern "C" {
#endif

#define VACCEL_ENUM_GET_MACRO(_1, _2, _3, NAME, ...) NAME

#define VACCEL_ENUM_ITEM_NO_VALUE(name, prefix) prefix##_##name
#define VACCEL_ENUM_ITEM_WITH_VALUE(name, value, prefix) \
	prefix##_##name = value
#define VACCEL_ENUM_ITEM(...)                                           \
	VACCEL_ENUM_GET_MACRO(__VA_ARGS__, VACCEL_ENUM_ITEM_WITH_VALUE, \
			      VACCEL_ENUM_ITEM_NO_VALUE)                \
	(__VA_ARGS__),

#define VACCEL_ENUM_STR(name, prefix) #prefix "_" #name

#define VACCEL_ENUM_STR_CASE_NO_VALUE(name, prefix)   \
	case VACCEL_ENUM_ITEM_NO_VALUE(name, prefix): \
		return VACCEL_ENUM_STR(name, prefix);
#define VACCEL_ENUM_STR_CASE_WITH_VALUE(name, value, prefix) \
	VACCEL_ENUM_STR_CASE_NO_VALUE(name, prefix)
#define VACCEL_ENUM_STR_CASE(...)                                           \
	VACCEL_ENUM_GET_MACRO(__VA_ARGS__, VACCEL_ENUM_STR_CASE_WITH_VALUE, \
			      VACCEL_ENUM_STR_CASE_NO_VALUE)                \
	(__VA_ARGS__)

#define VACCEL_ENUM_BASE_STR_CASE_NO_VALUE(name, prefix) \
	case VACCEL_ENUM_ITEM_NO_VALUE(name, prefix):    \
		return #name;
#define VACCEL_ENUM_BASE_STR_CASE_WITH_VALUE(name, value, prefix) \
	VACCEL_ENUM_BASE_STR_CASE_NO_VALUE(name, prefix)
#define VACCEL_ENUM_BASE_STR_CASE(...)                              \
	VACCEL_ENUM_GET_MACRO(__VA_ARGS__,                          \
			      VACCEL_ENUM_BASE_STR_CASE_WITH_VALUE, \
			      VACCEL_ENUM_BASE_STR_CASE_NO_VALUE)   \
	(__VA_ARGS__)

/* The items of a list, then <prefix>_MAX. */
#define VACCEL_ENUM_DEF_ITEMS(prefix, VACCEL_ENUM_LIST) \
	VACCEL_ENUM_LIST(VACCEL_ENUM_ITEM)              \
	VACCEL_ENUM_ITEM(MAX, prefix)

#define VACCEL_ENUM_DEF_STR_FUNCS(name, prefix, VACCEL_ENUM_LIST)           \
	static inline const char *name##_to_str(name##_t value)             \
	{                                                                   \
		switch (value) {                                            \
			VACCEL_ENUM_LIST(VACCEL_ENUM_STR_CASE)              \
		default:                                                    \
			return VACCEL_ENUM_STR(MAX, prefix);                \
		}                                                           \
	}                                                                   \
	static inline const char *name##_to_base_str(name##_t value)        \
	{                                                                   \
		switch (value) {                                            \
			VACCEL_ENUM_LIST(VACCEL_ENUM_BASE_STR_CASE)         \
		default:                                                    \
			return "MAX";                                       \
		}                                                           \
	}                                                                   \
	static inline char *name##_name(name##_t value, char *lower,        \
					size_t size)                        \
	{                                                                   \
		if (!lower || !size)                                        \
			return NULL;                                        \
		vaccel_str_to_lower(name##_to_base_str(value), lower, size, \
				    NULL);                                  \
		return lower;                                               \
	}

#define VACCEL_ENUM_DEF_WITH_STR_FUNCS(name, prefix, VACCEL_ENUM_LIST) \
	typedef enum {                                                 \
		VACCEL_ENUM_DEF_ITEMS(prefix, VACCEL_ENUM_LIST)        \
	} name##_t;                                                    \
	VACCEL_ENUM_DEF_STR_FUNCS(name, prefix, VACCEL_ENUM_LIST)

#ifdef __cplusplus
}
#endif

#endif
