// Structural validation of requests (spec §7, §8). Everything here runs on
// bytes copied out of guest memory exactly once; all arithmetic on
// guest-controlled numbers is overflow-checked.
#include <cstring>

#include "le.hh"
#include "request.hh"
#include "virtio_accel_proto.h"

namespace va {
namespace {

constexpr uint64_t kReqHdr = sizeof(struct virtio_accel_req_hdr);
constexpr uint64_t kRespHdr = sizeof(struct virtio_accel_resp_hdr);

Status malformed() { return Status::Of(VIRTIO_ACCEL_S_MALFORMED); }

bool add(uint64_t *acc, uint64_t v) { return !__builtin_add_overflow(*acc, v, acc); }

bool mul_add(uint64_t *acc, uint64_t a, uint64_t b) {
  uint64_t p;
  return !__builtin_mul_overflow(a, b, &p) && add(acc, p);
}

Status need_resp(uint64_t wr_size, uint64_t payload) {
  return wr_size - kRespHdr >= payload ? Status::Ok() : Status::Of(VIRTIO_ACCEL_S_RESP_TOO_SMALL);
}

Status decode_session_create(const IovView &rd, uint64_t payload_len, Request *req) {
  struct virtio_accel_session_create sc;
  if (payload_len != sizeof sc || req->session_id != 0) return malformed();
  rd.copy_out(kReqHdr, &sc, sizeof sc);
  uint32_t flags = le32(sc.flags);
  if ((flags >> 16) != 0 || sc.reserved != 0) return malformed();
  req->session_flags = flags;
  return Status::Ok();
}

Status decode_unregister(const IovView &rd, uint64_t payload_len, Request *req) {
  struct virtio_accel_resource_unregister ru;
  if (payload_len != sizeof ru) return malformed();
  rd.copy_out(kReqHdr, &ru, sizeof ru);
  req->object_id = le64(ru.resource_id);
  return Status::Ok();
}

Status decode_register(const IovView &rd, uint64_t payload_len, const Limits &lim, Request *req,
                       BlobList *blobs) {
  struct virtio_accel_resource_register rr;
  if (payload_len < sizeof rr || blobs == nullptr) return malformed();
  rd.copy_out(kReqHdr, &rr, sizeof rr);
  uint32_t type = le32(rr.res_type);
  uint32_t nr = le32(rr.nr_blobs);
  if (type < VIRTIO_ACCEL_RES_LIB || type > VIRTIO_ACCEL_RES_MODEL) return malformed();
  if (nr == 0 || nr > lim.max_args) return malformed();
  req->res_type = type;
  req->nr_blobs = nr;

  uint64_t desc_off = kReqHdr + sizeof rr;
  uint64_t expect = sizeof rr;
  if (!mul_add(&expect, nr, sizeof(struct virtio_accel_blob_desc))) return malformed();
  if (expect > payload_len) return malformed();

  // Descriptors first: copy each once, then place names and data after them.
  uint64_t cursor = kReqHdr + expect;
  uint64_t total_data = 0;
  for (uint32_t i = 0; i < nr; i++) {
    struct virtio_accel_blob_desc d;
    rd.copy_out(desc_off + i * sizeof d, &d, sizeof d);
    uint64_t size = le64(d.size);
    uint32_t name_len = le32(d.name_len);
    if (d.reserved != 0 || name_len == 0 || name_len > VIRTIO_ACCEL_MAX_NAME) return malformed();
    Blob &b = blobs->blobs[i];
    b.name_len = name_len;
    if (!rd.copy_out(cursor, b.name, name_len)) return malformed();
    b.name[name_len] = '\0';
    // Blob names become file names on the host: the spec's path-free
    // alphabet only (protocol library), so no name can traverse or hide.
    if (!va_blob_name_valid(b.name, name_len)) return malformed();
    cursor += name_len;  // cannot overflow: bounded by rd.size() once checked below
    b.data = Region{cursor, size, 0, 0};
    if (!add(&cursor, size) || !add(&total_data, size)) return malformed();
    if (cursor > rd.size()) return malformed();
  }
  if (cursor != kReqHdr + payload_len) return malformed();
  req->blob_bytes = total_data;
  return Status::Ok();
}

Status decode_run(const IovView &rd, uint64_t payload_len, uint64_t wr_size, const Limits &lim,
                  Request *req) {
  struct virtio_accel_run_req rr;
  if (payload_len < sizeof rr) return malformed();
  rd.copy_out(kReqHdr, &rr, sizeof rr);
  if (rr.reserved != 0) return malformed();
  req->op = le32(rr.op);
  req->nr_in = le32(rr.nr_in);
  req->nr_out = le32(rr.nr_out);
  req->object_id = le64(rr.resource_id);
  uint64_t nargs = static_cast<uint64_t>(req->nr_in) + req->nr_out;
  if (nargs > lim.max_args || nargs > kMaxArgsCap) return malformed();

  // One copy of the whole descriptor table; only the copy is used from here.
  struct virtio_accel_arg descs[kMaxArgsCap];
  uint64_t table = nargs * sizeof(struct virtio_accel_arg);
  uint64_t desc_off = kReqHdr + sizeof rr;
  if (sizeof rr + table > payload_len) return malformed();
  rd.copy_out(desc_off, descs, table);

  uint64_t in_off = desc_off + table;
  for (uint32_t i = 0; i < req->nr_in; i++) {
    Region &r = req->args[i];
    r = Region{in_off, le64(descs[i].len), le32(descs[i].type), le32(descs[i].custom_type)};
    if (!add(&in_off, r.len)) return malformed();
  }
  if (in_off != kReqHdr + payload_len) return malformed();

  uint64_t out_off = kRunOutputBase;
  for (uint32_t i = req->nr_in; i < nargs; i++) {
    Region &r = req->args[i];
    r = Region{out_off, le64(descs[i].len), le32(descs[i].type), le32(descs[i].custom_type)};
    if (!add(&out_off, r.len)) return malformed();
  }
  req->out_bytes = out_off - kRunOutputBase;
  if (req->op < 1 || req->op > VIRTIO_ACCEL_OP_MAX) return Status::Of(VIRTIO_ACCEL_S_UNSUPPORTED);
  return need_resp(wr_size, out_off - kRespHdr);
}

}  // namespace

Status decode_request(const IovView &rd, uint64_t wr_size, unsigned nr_segments, const Limits &lim,
                      bool profiling, Request *req, BlobList *blobs) {
  req->request_id = 0;
  if (!rd.valid() || rd.size() < kReqHdr) return malformed();

  struct virtio_accel_req_hdr hdr;
  rd.copy_out(0, &hdr, sizeof hdr);
  req->type = le32(hdr.type);
  req->request_id = le64(hdr.request_id);
  req->session_id = le64(hdr.session_id);
  uint64_t payload_len = le32(hdr.payload_len);

  if (hdr.flags != 0 || hdr.reserved != 0) return malformed();
  if (nr_segments > lim.max_segments) return malformed();
  if (rd.size() > lim.max_request_bytes || wr_size > lim.max_response_bytes) return malformed();
  if (rd.size() - kReqHdr != payload_len) return malformed();

  switch (req->type) {
    case VIRTIO_ACCEL_REQ_SESSION_CREATE: {
      Status s = decode_session_create(rd, payload_len, req);
      return s.ok() ? need_resp(wr_size, sizeof(struct virtio_accel_id_resp)) : s;
    }
    case VIRTIO_ACCEL_REQ_SESSION_DESTROY:
      return payload_len == 0 ? Status::Ok() : malformed();
    case VIRTIO_ACCEL_REQ_RESOURCE_REGISTER: {
      Status s = decode_register(rd, payload_len, lim, req, blobs);
      return s.ok() ? need_resp(wr_size, sizeof(struct virtio_accel_id_resp)) : s;
    }
    case VIRTIO_ACCEL_REQ_RESOURCE_UNREGISTER:
      return decode_unregister(rd, payload_len, req);
    case VIRTIO_ACCEL_REQ_RUN:
      return decode_run(rd, payload_len, wr_size, lim, req);
    case VIRTIO_ACCEL_REQ_TIMERS_GET:
      if (!profiling) return Status::Of(VIRTIO_ACCEL_S_UNSUPPORTED);
      if (payload_len != 0) return malformed();
      return need_resp(wr_size, sizeof(struct virtio_accel_timers_resp) +
                                    VIRTIO_ACCEL_OP_MAX * sizeof(struct virtio_accel_timer));
    case VIRTIO_ACCEL_REQ_STATS_GET:
      if (payload_len != 0 || req->session_id != 0) return malformed();
      return need_resp(wr_size, VIRTIO_ACCEL_STATS_V0_SIZE);
    default:
      return Status::Of(VIRTIO_ACCEL_S_UNSUPPORTED);
  }
}

}  // namespace va
