// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-accel guest driver: the per-file arena.
 *
 * mmap() on /dev/virtio-accel<N> maps kernel memory made of physically
 * contiguous chunks (2 MiB where the allocator has them, smaller otherwise)
 * into the process. A request argument lying wholly inside that mapping
 * reaches the device straight from the chunk list: no page pinning, no page
 * walk, no bounce, and a 64 MiB argument is a few dozen descriptors instead
 * of up to 16384. The virtio plugin hands this memory to applications
 * (vaccel_virtio_alloc()) so large tensors cross with no guest copy.
 *
 * Lifetime. The file owns one reference, dropped when the mapping goes away
 * (vm_ops->close; the mapping also holds the file open). Every request
 * argument in the arena owns one more, so memory the device may still write
 * is freed only after the request is released. The mapping cannot be split,
 * moved or inherited (VM_DONTCOPY; may_split and mremap refuse), so "inside
 * the mapping" is always [uaddr, uaddr + len) of the process that made it.
 *
 * Safety. Chunks are zeroed once at allocation; they hold nothing but what
 * this process and the device put there. The process can rewrite an argument
 * while the host reads it, exactly as with pinned pages: the host copies each
 * request's input once before validating it.
 */
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "va_internal.h"

static unsigned int arena_max_mib = 256;
module_param(arena_max_mib, uint, 0644);
MODULE_PARM_DESC(arena_max_mib,
		 "Largest arena one open file may mmap, in MiB (0: no arena)");

/* 2 MiB: what a huge page is on x86, and few enough descriptors. */
#define VA_ARENA_CHUNK_ORDER 9

/* One physically contiguous piece of an arena, at @start in it. */
struct va_arena_chunk {
	struct page *page;
	unsigned int order;
	u64 start;
};

struct va_arena {
	struct kref ref;
	struct mm_struct *mm; /* compared only: valid while mapped */
	unsigned long uaddr;
	u64 len;
	unsigned int nr;
	struct va_arena_chunk chunks[];
};

u32 va_arena_max_mib(void)
{
	return min_t(u32, READ_ONCE(arena_max_mib), VA_MAX_XFER >> 20);
}

static void va_arena_free(struct kref *ref)
{
	struct va_arena *a = container_of(ref, struct va_arena, ref);
	unsigned int i;

	for (i = 0; i < a->nr; i++)
		__free_pages(a->chunks[i].page, a->chunks[i].order);
	kvfree(a);
}

void va_arena_put(struct va_arena *a)
{
	if (a)
		kref_put(&a->ref, va_arena_free);
}

static struct va_arena *va_arena_alloc(u64 len)
{
	gfp_t gfp = GFP_KERNEL | __GFP_ACCOUNT | __GFP_ZERO;
	unsigned int order = VA_ARENA_CHUNK_ORDER;
	u64 done = 0;
	struct va_arena *a;

	a = kvzalloc(struct_size(a, chunks, len >> PAGE_SHIFT), GFP_KERNEL);
	if (!a)
		return NULL;
	kref_init(&a->ref);
	a->len = len;
	while (done < len) {
		struct page *page;

		order = min_t(unsigned int, order, get_order(len - done));
		/* The remainder may need less than the chunk's order. */
		while (order && (PAGE_SIZE << order) > len - done)
			order--;
		page = alloc_pages(order ? gfp | __GFP_NOWARN | __GFP_NORETRY :
					   gfp,
				   order);
		if (!page) {
			if (!order) {
				va_arena_put(a);
				return NULL;
			}
			order--;
			continue;
		}
		a->chunks[a->nr].page = page;
		a->chunks[a->nr].order = order;
		a->chunks[a->nr].start = done;
		a->nr++;
		done += PAGE_SIZE << order;
	}
	return a;
}

static void va_arena_vm_close(struct vm_area_struct *vma)
{
	struct va_file *vf = vma->vm_file->private_data;
	struct va_arena *a;

	spin_lock(&vf->arena_lock);
	a = vf->arena;
	vf->arena = NULL;
	spin_unlock(&vf->arena_lock);
	va_arena_put(a);
}

static int va_arena_vm_may_split(struct vm_area_struct *vma, unsigned long addr)
{
	return -EINVAL;
}

static int va_arena_vm_mremap(struct vm_area_struct *vma)
{
	return -EINVAL;
}

static const struct vm_operations_struct va_arena_vm_ops = {
	.close = va_arena_vm_close,
	.may_split = va_arena_vm_may_split,
	.mremap = va_arena_vm_mremap,
};

int va_arena_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct va_file *vf = file->private_data;
	u64 len = vma->vm_end - vma->vm_start;
	u64 max = (u64)va_arena_max_mib() << 20;
	unsigned long addr = vma->vm_start;
	struct va_arena *a;
	unsigned int i;
	bool busy;
	int err;

	if (!(vma->vm_flags & VM_SHARED) || vma->vm_pgoff)
		return -EINVAL;
	if (len > max)
		return max ? -EINVAL : -ENODEV;
	spin_lock(&vf->arena_lock);
	busy = vf->arena || vf->arena_pending;
	vf->arena_pending = !busy;
	spin_unlock(&vf->arena_lock);
	if (busy)
		return -EBUSY;

	a = va_arena_alloc(len);
	if (!a) {
		err = -ENOMEM;
		goto out;
	}
	/* Also VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP, set by
	 * remap_pfn_range(): the pages cannot be pinned or grown, and
	 * madvise(MADV_DOFORK) cannot undo VM_DONTCOPY.
	 */
	vm_flags_set(vma, VM_DONTCOPY);
	for (i = 0; i < a->nr; i++) {
		unsigned long n = PAGE_SIZE << a->chunks[i].order;

		err = remap_pfn_range(vma, addr, page_to_pfn(a->chunks[i].page),
				      n, vma->vm_page_prot);
		if (err) {
			/* the caller unmaps what was mapped */
			va_arena_put(a);
			goto out;
		}
		addr += n;
	}
	a->mm = current->mm;
	a->uaddr = vma->vm_start;
	vma->vm_ops = &va_arena_vm_ops;
	err = 0;
out:
	spin_lock(&vf->arena_lock);
	vf->arena_pending = false;
	if (!err)
		vf->arena = a;
	spin_unlock(&vf->arena_lock);
	return err;
}

struct va_arena *va_arena_find(struct va_file *vf, u64 uaddr, u64 len, u64 *off)
{
	struct va_arena *a;

	spin_lock(&vf->arena_lock);
	a = vf->arena;
	if (a && a->mm == current->mm && uaddr >= a->uaddr &&
	    uaddr - a->uaddr <= a->len && len <= a->len - (uaddr - a->uaddr)) {
		*off = uaddr - a->uaddr;
		kref_get(&a->ref);
	} else {
		a = NULL;
	}
	spin_unlock(&vf->arena_lock);
	return a;
}

/* Index of the chunk holding byte @off (< a->len): a binary search, so a
 * region deep in an arena of small chunks costs no walk from its start.
 */
static unsigned int va_arena_chunk_at(const struct va_arena *a, u64 off)
{
	unsigned int lo = 0, hi = a->nr - 1;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo + 1) / 2;

		if (a->chunks[mid].start <= off)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

/*
 * Walks the chunks under [off, off + len), merging physically adjacent ones.
 * With @sg NULL it only counts the entries.
 */
unsigned int va_arena_walk(const struct va_arena *a, u64 off, u64 len,
			   struct scatterlist *sg)
{
	unsigned int i, n = 0, seg_off = 0;
	struct page *seg_page = NULL;
	unsigned long next_pfn = 0;
	u64 seg_len = 0;

	for (i = va_arena_chunk_at(a, off); i < a->nr && len; i++) {
		const struct va_arena_chunk *c = &a->chunks[i];
		u64 size = PAGE_SIZE << c->order;
		u64 skip = off > c->start ? off - c->start : 0;
		u64 take = min(size - skip, len);
		struct page *page = c->page + (skip >> PAGE_SHIFT);

		if (seg_len && page_to_pfn(page) == next_pfn &&
		    seg_len + take <= VA_MAX_SEG_BYTES) {
			seg_len += take;
		} else {
			if (seg_len && sg)
				sg_set_page(&sg[n - 1], seg_page, seg_len,
					    seg_off);
			seg_page = page;
			seg_off = offset_in_page(skip);
			seg_len = take;
			n++;
		}
		next_pfn = page_to_pfn(c->page) + (size >> PAGE_SHIFT);
		len -= take;
	}
	if (seg_len && sg)
		sg_set_page(&sg[n - 1], seg_page, seg_len, seg_off);
	return n;
}
