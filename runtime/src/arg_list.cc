// SPDX-License-Identifier: Apache-2.0
// The deprecated 0.6/0.7 arg-list API.
#include <cstdlib>
#include <cstring>

#include "internal.hh"

namespace {

bool has_room(const vaccel_arg_list *a) {
  return a && a->curr_idx >= 0 && static_cast<uint32_t>(a->curr_idx) < a->size;
}

}  // namespace

extern "C" {

struct vaccel_arg_list *vaccel_args_init(uint32_t size) {
  auto *l = static_cast<vaccel_arg_list *>(calloc(1, sizeof(vaccel_arg_list)));
  if (!l) return nullptr;
  l->list = static_cast<vaccel_arg *>(calloc(size ? size : 1, sizeof(vaccel_arg)));
  l->idcs_allocated_space = static_cast<int *>(calloc(size ? size : 1, sizeof(int)));
  if (!l->list || !l->idcs_allocated_space) {
    free(l->list);
    free(l->idcs_allocated_space);
    free(l);
    return nullptr;
  }
  l->size = size;
  return l;
}

int vaccel_add_serial_arg(struct vaccel_arg_list *args, void *buf, uint32_t size) {
  if (!has_room(args) || (!buf && size)) return VACCEL_EINVAL;
  vaccel_arg &a = args->list[args->curr_idx++];
  a.buf = buf;
  a.size = size;
  a.type = VACCEL_ARG_RAW;
  return VACCEL_OK;
}

int vaccel_add_nonserial_arg(struct vaccel_arg_list *args, void *buf, uint32_t type,
                             void *(*serializer)(void *, uint32_t *)) {
  if (!has_room(args) || !serializer) return VACCEL_EINVAL;
  uint32_t size = 0;
  void *ser = serializer(buf, &size);
  if (!ser) return VACCEL_EINVAL;
  int idx = args->curr_idx++;
  args->list[idx].buf = ser;
  args->list[idx].size = size;
  args->list[idx].type = VACCEL_ARG_CUSTOM;
  args->list[idx].custom_type_id = type;
  args->idcs_allocated_space[idx] = 1;
  return VACCEL_OK;
}

int vaccel_expect_serial_arg(struct vaccel_arg_list *args, void *buf, uint32_t size) {
  return vaccel_add_serial_arg(args, buf, size);
}

int vaccel_expect_nonserial_arg(struct vaccel_arg_list *args, uint32_t expected_size) {
  if (!has_room(args)) return VACCEL_EINVAL;
  void *buf = calloc(1, expected_size ? expected_size : 1);
  if (!buf) return VACCEL_ENOMEM;
  int idx = args->curr_idx++;
  args->list[idx].buf = buf;
  args->list[idx].size = expected_size;
  args->list[idx].type = VACCEL_ARG_RAW;
  args->idcs_allocated_space[idx] = 1;
  return VACCEL_OK;
}

void *vaccel_extract_serial_arg(struct vaccel_arg *args, int idx) {
  if (!args || idx < 0) return nullptr;
  return args[idx].buf;
}

void *vaccel_extract_nonserial_arg(struct vaccel_arg *args, int idx,
                                   void *(*deserializer)(void *, uint32_t)) {
  if (!args || idx < 0 || !deserializer) return nullptr;
  return deserializer(args[idx].buf, static_cast<uint32_t>(args[idx].size));
}

int vaccel_write_serial_arg(struct vaccel_arg *args, int idx, void *buf) {
  if (!args || idx < 0 || !buf || !args[idx].buf) return VACCEL_EINVAL;
  memcpy(args[idx].buf, buf, args[idx].size);
  return VACCEL_OK;
}

int vaccel_write_nonserial_arg(struct vaccel_arg *args, int idx, void *buf,
                               void *(*serializer)(void *, uint32_t *)) {
  if (!args || idx < 0 || !serializer || !args[idx].buf) return VACCEL_EINVAL;
  uint32_t size = 0;
  void *ser = serializer(buf, &size);
  if (!ser) return VACCEL_EINVAL;
  int ret = VACCEL_OK;
  if (size > args[idx].size)
    ret = VACCEL_ENOSPC;
  else
    memcpy(args[idx].buf, ser, size);
  free(ser);
  return ret;
}

int vaccel_delete_args(struct vaccel_arg_list *args) {
  if (!args) return VACCEL_EINVAL;
  for (uint32_t i = 0; i < args->size; ++i)
    if (args->idcs_allocated_space[i]) free(args->list[i].buf);
  free(args->list);
  free(args->idcs_allocated_space);
  free(args);
  return VACCEL_OK;
}

}  // extern "C"
