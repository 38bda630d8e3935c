// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-accel guest driver: user buffers and scatterlists.
 *
 * A user buffer reaches the device in one of two ways:
 *  - pinned: pin_user_pages_fast() (FOLL_WRITE only for outputs) and the
 *    device reads/writes the user's pages directly; physically adjacent pages
 *    become one scatterlist entry;
 *  - bounced: copied through kernel pages. Used for small buffers (a copy is
 *    cheaper than pinning) and as fallback when pinned pages would need more
 *    descriptors than the device accepts in one chain (bounce chunks are
 *    high-order allocations, so they need far fewer entries).
 *  - in the arena: a region wholly inside the file's arena mapping goes to
 *    the device from the arena's chunks (va_arena.c), whatever its size.
 * Lengths that reach the device always come from the request head, a kernel
 * copy: the user cannot change them after validation.
 */
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/kernel.h>

#include "va_internal.h"

static int va_ubuf_pin(struct va_ubuf *b)
{
	unsigned long start = b->uaddr & PAGE_MASK;
	unsigned int gup = b->dev_writes ? FOLL_WRITE : 0;
	u64 npages = DIV_ROUND_UP(offset_in_page(b->uaddr) + b->len, PAGE_SIZE);
	int ret;

	b->pages = kvmalloc_array(npages, sizeof(*b->pages), GFP_KERNEL);
	if (!b->pages)
		return -ENOMEM;
	while (b->nr < npages) {
		unsigned long addr =
			start + ((unsigned long)b->nr << PAGE_SHIFT);

		ret = pin_user_pages_fast(addr, npages - b->nr, gup,
					  b->pages + b->nr);
		if (ret <= 0)
			return ret ? ret : -EFAULT; /* va_ubuf_release unpins */
		b->nr += ret;
	}
	return 0;
}

/*
 * Walks the pinned pages, merging physically contiguous ones. With @sg NULL
 * it only counts the entries.
 */
static unsigned int va_pinned_walk(struct va_ubuf *b, struct scatterlist *sg)
{
	unsigned int off = offset_in_page(b->uaddr);
	unsigned int seg_off = 0, seg_len = 0, n = 0, i;
	struct page *seg_page = NULL;
	u64 rem = b->len;

	for (i = 0; i < b->nr; i++) {
		unsigned int len = min_t(u64, PAGE_SIZE - off, rem);

		if (seg_len &&
		    page_to_pfn(b->pages[i]) ==
			    page_to_pfn(b->pages[i - 1]) + 1 &&
		    seg_len <= VA_MAX_SEG_BYTES - len) {
			seg_len += len;
		} else {
			if (seg_len) {
				if (sg)
					sg_set_page(&sg[n], seg_page, seg_len,
						    seg_off);
				n++;
			}
			seg_page = b->pages[i];
			seg_off = off;
			seg_len = len;
		}
		rem -= len;
		off = 0;
	}
	if (seg_len) {
		if (sg)
			sg_set_page(&sg[n], seg_page, seg_len, seg_off);
		n++;
	}
	return n;
}

static void va_ubuf_unpin(struct va_ubuf *b, bool dirty)
{
	if (!b->pages)
		return;
	if (dirty)
		unpin_user_pages_dirty_lock(b->pages, b->nr, true);
	else
		unpin_user_pages(b->pages, b->nr);
	kvfree(b->pages);
	b->pages = NULL;
	b->nr = 0;
}

/* Copies the buffer into kernel pages (replacing a pin, if any). */
int va_ubuf_bounce(struct va_ubuf *b)
{
	gfp_t gfp = GFP_KERNEL | __GFP_ACCOUNT;
	unsigned int order, max_chunks;
	u64 done = 0, rem = b->len;

	va_ubuf_unpin(b, false);
	va_arena_put(b->arena);
	b->arena = NULL;
	/* Outputs start zeroed: nothing stale can reach the user. */
	if (b->dev_writes)
		gfp |= __GFP_ZERO;

	max_chunks = DIV_ROUND_UP_ULL(b->len, PAGE_SIZE);
	b->chunks = kvmalloc_array(max_chunks, sizeof(*b->chunks), GFP_KERNEL);
	if (!b->chunks)
		return -ENOMEM;
	b->bounced = true;

	order = min_t(unsigned int, get_order(rem), VA_MAX_CHUNK_ORDER);
	while (rem) {
		struct page *page;
		u64 n;

		page = alloc_pages(order ? gfp | __GFP_NOWARN | __GFP_NORETRY :
					   gfp,
				   order);
		if (!page) {
			if (!order)
				return -ENOMEM; /* va_ubuf_release frees chunks */
			order--;
			continue;
		}
		b->chunks[b->nr].page = page;
		b->chunks[b->nr].order = order;
		b->nr++;
		n = min_t(u64, rem, PAGE_SIZE << order);
		if (!b->dev_writes &&
		    copy_from_user(page_address(page),
				   u64_to_user_ptr(b->uaddr + done), n))
			return -EFAULT;
		done += n;
		rem -= n;
		if (rem)
			order = min_t(unsigned int, order, get_order(rem));
	}
	b->nsegs = b->nr;
	return 0;
}

/*
 * Takes hold of a user region: one in @vf's arena is used in place, other
 * small ones are copied now, larger ones pinned. @len is already checked
 * against the device's limits.
 */
int va_ubuf_prepare(struct va_file *vf, struct va_ubuf *b, u64 uaddr, u64 len,
		    bool dev_writes)
{
	int err;

	b->uaddr = uaddr;
	b->len = len;
	b->dev_writes = dev_writes;
	if (!len)
		return 0;
	/* A 32-bit kernel must not truncate a 64-bit pointer. */
	if (uaddr != (unsigned long)uaddr ||
	    !access_ok(u64_to_user_ptr(uaddr), len))
		return -EFAULT;
	b->arena = va_arena_find(vf, uaddr, len, &b->arena_off);
	if (b->arena) {
		b->nsegs = va_arena_walk(b->arena, b->arena_off, len, NULL);
		return 0;
	}
	if (len <= VA_BOUNCE_MAX)
		return va_ubuf_bounce(b);

	err = va_ubuf_pin(b);
	if (err)
		return err;
	b->nsegs = va_pinned_walk(b, NULL);
	return 0;
}

unsigned int va_ubuf_fill_sg(struct va_ubuf *b, struct scatterlist *sg)
{
	u64 rem = b->len;
	unsigned int i;

	if (!b->len)
		return 0;
	if (b->arena)
		return va_arena_walk(b->arena, b->arena_off, b->len, sg);
	if (!b->bounced)
		return va_pinned_walk(b, sg);
	for (i = 0; i < b->nr; i++) {
		unsigned int n =
			min_t(u64, rem, PAGE_SIZE << b->chunks[i].order);

		sg_set_page(&sg[i], b->chunks[i].page, n, 0);
		rem -= n;
	}
	return b->nr;
}

/*
 * After completion: copies a bounced output back to the user, at most the
 * @written bytes the device says it produced in this region.
 */
int va_ubuf_copy_out(struct va_ubuf *b, u64 written)
{
	u64 done = 0, rem = min(written, b->len);
	unsigned int i;

	if (!b->bounced || !b->dev_writes)
		return 0;
	for (i = 0; rem && i < b->nr; i++) {
		u64 n = min_t(u64, rem, PAGE_SIZE << b->chunks[i].order);

		if (copy_to_user(u64_to_user_ptr(b->uaddr + done),
				 page_address(b->chunks[i].page), n))
			return -EFAULT;
		done += n;
		rem -= n;
	}
	return 0;
}

void va_ubuf_release(struct va_ubuf *b)
{
	unsigned int i;

	/* Pinned outputs were written by the device: mark them dirty. */
	va_ubuf_unpin(b, b->dev_writes);
	va_arena_put(b->arena);
	b->arena = NULL;
	if (b->chunks) {
		for (i = 0; i < b->nr; i++)
			__free_pages(b->chunks[i].page, b->chunks[i].order);
		kvfree(b->chunks);
		b->chunks = NULL;
		b->nr = 0;
	}
}

static unsigned int va_req_count_sg(struct va_req *req, unsigned int *nout)
{
	unsigned int i, n = 2; /* the two heads */

	*nout = 1;
	for (i = 0; i < req->nbufs; i++) {
		n += req->bufs[i].nsegs;
		if (i < req->nbufs_in)
			*nout += req->bufs[i].nsegs;
	}
	return n;
}

/*
 * The next pinned buffer to bounce when a chain has too many segments: inputs
 * before outputs (a bounced input costs one copy; a bounced output a zeroed
 * allocation and a copy back), then the most fragmented. Only buffers whose
 * bounce chunks would be fewer than their pinned segments; NULL if none.
 */
static struct va_ubuf *va_bounce_pick(struct va_req *req)
{
	struct va_ubuf *pick = NULL;
	bool pick_in = false;
	unsigned int i;

	for (i = 0; i < req->nbufs; i++) {
		struct va_ubuf *b = &req->bufs[i];
		bool in = i < req->nbufs_in;
		u64 chunks = DIV_ROUND_UP_ULL(b->len,
					      PAGE_SIZE << VA_MAX_CHUNK_ORDER);

		if (b->bounced || !b->len || b->nsegs <= chunks)
			continue;
		if (!pick || (in && !pick_in) ||
		    (in == pick_in && b->nsegs > pick->nsegs)) {
			pick = b;
			pick_in = in;
		}
	}
	return pick;
}

/*
 * Finishes the request: fills payload_len, checks the device's byte limits
 * and builds the two scatterlists (readable, writable) within the chain
 * length the device accepts.
 */
int va_req_build_sg(struct va_dev *vd, struct va_req *req)
{
	struct virtio_accel_req_hdr *hdr = req->head;
	u64 rd = req->head_len, wr = req->rhead_len;
	unsigned int i, n, nout, pos;
	int err;

	for (i = 0; i < req->nbufs; i++) {
		if (i < req->nbufs_in)
			rd += req->bufs[i].len;
		else
			wr += req->bufs[i].len;
	}
	/* Callers bound each buffer by VA_MAX_XFER, so no overflow here. */
	if (rd > vd->lim.max_request_bytes || rd > VA_MAX_XFER ||
	    wr > vd->lim.max_response_bytes || wr > VA_MAX_XFER)
		return -E2BIG;
	hdr->payload_len = cpu_to_le32(rd - sizeof(*hdr));

	/* Too fragmented: bounce pinned buffers into big chunks, one at a time
	 * until the chain fits (see va_bounce_pick()).
	 */
	n = va_req_count_sg(req, &nout);
	while (n > vd->lim.seg_limit) {
		struct va_ubuf *b = va_bounce_pick(req);

		if (!b)
			return -E2BIG;
		err = va_ubuf_bounce(b);
		if (err)
			return err;
		n = va_req_count_sg(req, &nout);
	}

	req->sg = kvmalloc_array(n, sizeof(*req->sg), GFP_KERNEL);
	if (!req->sg)
		return -ENOMEM;
	req->nsg_out = nout;
	sg_init_table(req->sg, nout);
	sg_init_table(req->sg + nout, n - nout);

	sg_set_buf(&req->sg[0], req->head, req->head_len);
	pos = 1;
	for (i = 0; i < req->nbufs_in; i++)
		pos += va_ubuf_fill_sg(&req->bufs[i], &req->sg[pos]);
	sg_set_buf(&req->sg[pos++], req->rhead, req->rhead_len);
	for (i = req->nbufs_in; i < req->nbufs; i++)
		pos += va_ubuf_fill_sg(&req->bufs[i], &req->sg[pos]);
	WARN_ON_ONCE(pos != n);
	return 0;
}
