// A request after structural validation: every field the host interprets has
// been copied out of guest memory once and checked against the limits. Only
// bulk argument and blob bytes are still referenced by offset into the chain.
#pragma once

#include <array>
#include <cstdint>

#include "iov.hh"
#include "limits.hh"
#include "status.hh"

namespace va {

// A byte range of the readable (inputs, blobs) or writable (outputs) part.
struct Region {
  uint64_t off = 0;
  uint64_t len = 0;
  uint32_t type = 0;         // vAccel arg type (args only)
  uint32_t custom_type = 0;  // vAccel custom type id (args only)
};

struct Blob {
  Region data;
  uint32_t name_len = 0;
  char name[VIRTIO_ACCEL_MAX_NAME + 1] = {};
};

struct Request {
  uint32_t type = 0;
  uint64_t request_id = 0;
  uint64_t session_id = 0;

  uint32_t session_flags = 0;  // SESSION_CREATE
  uint64_t object_id = 0;      // RESOURCE_UNREGISTER: resource; RUN: resource

  uint32_t res_type = 0;  // RESOURCE_REGISTER
  uint32_t nr_blobs = 0;
  uint64_t blob_bytes = 0;

  uint32_t op = 0;  // RUN
  uint32_t nr_in = 0;
  uint32_t nr_out = 0;
  std::array<Region, kMaxArgsCap> args;  // inputs then outputs
  uint64_t out_bytes = 0;                // sum of output capacities

  [[nodiscard]] const Region &in(uint32_t i) const { return args[i]; }
  [[nodiscard]] const Region &out(uint32_t i) const { return args[nr_in + i]; }
};

// Blob names and data live in the readable part; they are decoded into this
// separately so that Request stays small for the common (RUN) case.
struct BlobList {
  std::array<Blob, kMaxArgsCap> blobs;
};

// Offset of the first output region in the writable part of a RUN.
inline constexpr uint64_t kRunOutputBase =
    sizeof(struct virtio_accel_resp_hdr) + sizeof(struct virtio_accel_run_resp);

// Structural validation of one chain (spec §7, §8). On failure the returned
// status is what the guest gets; req->request_id is filled whenever the header
// could be read so the error can still be matched to its request.
// `blobs` may be null unless the request is a RESOURCE_REGISTER.
Status decode_request(const IovView &rd, uint64_t wr_size, unsigned nr_segments, const Limits &lim,
                      bool profiling, Request *req, BlobList *blobs);

}  // namespace va
