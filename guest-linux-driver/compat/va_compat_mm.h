/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-accel guest driver: out-of-tree build support for kernels before
 * 6.3, where a VMA's flags were written directly instead of through
 * vm_flags_set(). Kbuild force-includes it into va_arena.c only when the
 * kernel headers lack vm_flags_set().
 */
#ifndef VA_COMPAT_MM_H
#define VA_COMPAT_MM_H

#include <linux/mm.h>

static inline void vm_flags_set(struct vm_area_struct *vma, unsigned long flags)
{
	vma->vm_flags |= flags;
}

#endif /* VA_COMPAT_MM_H */
