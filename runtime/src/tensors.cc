// SPDX-License-Identifier: Apache-2.0
// Buffer/node/tensor/status helpers of the TF, TFLite and Torch APIs.
#include <cstdlib>
#include <cstring>

#include "internal.hh"

namespace {

// Shared logic for the three tensor structs (same field names).
template <typename T, typename Dim>
int tensor_init(T *t, long long nr_dims, const Dim *dims, decltype(T::data_type) type) {
  // As upstream 0.8: a tensor has at least one dimension.
  if (!t || nr_dims < 1 || !dims) return VACCEL_EINVAL;
  t->data = nullptr;
  t->size = 0;
  t->owned = false;
  t->data_type = type;
  t->nr_dims = static_cast<decltype(T::nr_dims)>(nr_dims);
  t->dims = nullptr;
  if (nr_dims) {
    t->dims = static_cast<Dim *>(calloc(static_cast<size_t>(nr_dims), sizeof(Dim)));
    if (!t->dims) return VACCEL_ENOMEM;
    memcpy(t->dims, dims, static_cast<size_t>(nr_dims) * sizeof(Dim));
  }
  return VACCEL_OK;
}

template <typename T>
int tensor_release(T *t) {
  if (!t) return VACCEL_EINVAL;
  if (t->owned) free(t->data);
  free(t->dims);
  t->data = nullptr;
  t->dims = nullptr;
  t->size = 0;
  t->nr_dims = 0;
  t->owned = false;
  return VACCEL_OK;
}

template <typename T, typename Dim>
int tensor_new(T **out, long long nr_dims, const Dim *dims, decltype(T::data_type) type) {
  if (!out) return VACCEL_EINVAL;
  auto *t = static_cast<T *>(calloc(1, sizeof(T)));
  if (!t) return VACCEL_ENOMEM;
  int ret = tensor_init(t, nr_dims, dims, type);
  if (ret) {
    free(t);
    return ret;
  }
  *out = t;
  return VACCEL_OK;
}

template <typename T, typename Dim>
int tensor_allocate(T **out, long long nr_dims, const Dim *dims, decltype(T::data_type) type,
                    size_t total) {
  int ret = tensor_new(out, nr_dims, dims, type);
  if (ret || !total) return ret;
  (*out)->data = calloc(1, total);
  if (!(*out)->data) {
    tensor_release(*out);
    free(*out);
    *out = nullptr;
    return VACCEL_ENOMEM;
  }
  (*out)->size = total;
  (*out)->owned = true;
  return VACCEL_OK;
}

template <typename T>
int tensor_delete(T *t) {
  int ret = tensor_release(t);
  if (!ret) free(t);
  return ret;
}

template <typename T>
int tensor_set_data(T *t, void *data, size_t size) {
  if (!t || (!data && size)) return VACCEL_EINVAL;
  if (t->owned) free(t->data);
  t->data = data;
  t->size = size;
  t->owned = false;
  return VACCEL_OK;
}

template <typename T>
int tensor_take_data(T *t, void **data, size_t *size) {
  if (!t || !data || !size) return VACCEL_EINVAL;
  *data = t->data;
  *size = t->size;
  t->data = nullptr;
  t->size = 0;
  t->owned = false;
  return VACCEL_OK;
}

template <typename B, typename D>
int buffer_init(B *b, D *data, size_t size) {
  if (!b || (!data && size)) return VACCEL_EINVAL;
  b->data = data;
  b->size = size;
  return VACCEL_OK;
}

template <typename B>
int buffer_release(B *b) {
  if (!b) return VACCEL_EINVAL;
  free(b->data);
  b->data = nullptr;
  b->size = 0;
  return VACCEL_OK;
}

template <typename B, typename D>
int buffer_new(B **out, D *data, size_t size) {
  if (!out) return VACCEL_EINVAL;
  auto *b = static_cast<B *>(calloc(1, sizeof(B)));
  if (!b) return VACCEL_ENOMEM;
  int ret = buffer_init(b, data, size);
  if (ret) {
    free(b);
    return ret;
  }
  *out = b;
  return VACCEL_OK;
}

template <typename B>
int buffer_delete(B *b) {
  int ret = buffer_release(b);
  if (!ret) free(b);
  return ret;
}

template <typename B>
int buffer_take(B *b, void **data, size_t *size) {
  if (!b || !data || !size) return VACCEL_EINVAL;
  *data = b->data;
  *size = b->size;
  b->data = nullptr;
  b->size = 0;
  return VACCEL_OK;
}

}  // namespace

extern "C" {

// ---- TensorFlow ----
int vaccel_tf_buffer_init(struct vaccel_tf_buffer *b, void *data, size_t size) {
  return buffer_init(b, data, size);
}
int vaccel_tf_buffer_release(struct vaccel_tf_buffer *b) { return buffer_release(b); }
int vaccel_tf_buffer_new(struct vaccel_tf_buffer **b, void *data, size_t size) {
  return buffer_new(b, data, size);
}
int vaccel_tf_buffer_delete(struct vaccel_tf_buffer *b) { return buffer_delete(b); }
int vaccel_tf_buffer_take_data(struct vaccel_tf_buffer *b, void **data, size_t *size) {
  return buffer_take(b, data, size);
}

int vaccel_tf_node_init(struct vaccel_tf_node *node, const char *name, int id) {
  if (!node || !name) return VACCEL_EINVAL;
  node->name = strdup(name);
  if (!node->name) return VACCEL_ENOMEM;
  node->id = id;
  return VACCEL_OK;
}
int vaccel_tf_node_release(struct vaccel_tf_node *node) {
  if (!node) return VACCEL_EINVAL;
  free(node->name);
  node->name = nullptr;
  node->id = -1;  // as upstream
  return VACCEL_OK;
}
int vaccel_tf_node_new(struct vaccel_tf_node **node, const char *name, int id) {
  if (!node) return VACCEL_EINVAL;
  auto *n = static_cast<vaccel_tf_node *>(calloc(1, sizeof(vaccel_tf_node)));
  if (!n) return VACCEL_ENOMEM;
  int ret = vaccel_tf_node_init(n, name, id);
  if (ret) {
    free(n);
    return ret;
  }
  *node = n;
  return VACCEL_OK;
}
int vaccel_tf_node_delete(struct vaccel_tf_node *node) {
  int ret = vaccel_tf_node_release(node);
  if (!ret) free(node);
  return ret;
}

int vaccel_tf_tensor_init(struct vaccel_tf_tensor *t, int nr_dims, const int64_t *dims,
                          enum vaccel_tf_data_type type) {
  return tensor_init(t, nr_dims, dims, type);
}
int vaccel_tf_tensor_release(struct vaccel_tf_tensor *t) { return tensor_release(t); }
int vaccel_tf_tensor_new(struct vaccel_tf_tensor **t, int nr_dims, const int64_t *dims,
                         enum vaccel_tf_data_type type) {
  return tensor_new(t, nr_dims, dims, type);
}
int vaccel_tf_tensor_allocate(struct vaccel_tf_tensor **t, int nr_dims, const int64_t *dims,
                              enum vaccel_tf_data_type type, size_t total_size) {
  return tensor_allocate(t, nr_dims, dims, type, total_size);
}
int vaccel_tf_tensor_delete(struct vaccel_tf_tensor *t) { return tensor_delete(t); }
int vaccel_tf_tensor_set_data(struct vaccel_tf_tensor *t, void *data, size_t size) {
  return tensor_set_data(t, data, size);
}
int vaccel_tf_tensor_take_data(struct vaccel_tf_tensor *t, void **data, size_t *size) {
  return tensor_take_data(t, data, size);
}

int vaccel_tf_status_init(struct vaccel_tf_status *s, uint8_t code, const char *message) {
  if (!s || !message) return VACCEL_EINVAL;
  s->message = strdup(message);
  if (!s->message) return VACCEL_ENOMEM;
  s->code = code;
  return VACCEL_OK;
}
int vaccel_tf_status_release(struct vaccel_tf_status *s) {
  if (!s) return VACCEL_EINVAL;
  free(s->message);
  s->message = nullptr;
  s->code = 0;
  return VACCEL_OK;
}
int vaccel_tf_status_new(struct vaccel_tf_status **s, uint8_t code, const char *message) {
  if (!s) return VACCEL_EINVAL;
  auto *n = static_cast<vaccel_tf_status *>(calloc(1, sizeof(vaccel_tf_status)));
  if (!n) return VACCEL_ENOMEM;
  int ret = vaccel_tf_status_init(n, code, message);
  if (ret) {
    free(n);
    return ret;
  }
  *s = n;
  return VACCEL_OK;
}
int vaccel_tf_status_delete(struct vaccel_tf_status *s) {
  int ret = vaccel_tf_status_release(s);
  if (!ret) free(s);
  return ret;
}

// ---- TFLite ----
int vaccel_tflite_tensor_init(struct vaccel_tflite_tensor *t, int nr_dims, const int32_t *dims,
                              enum vaccel_tflite_data_type type) {
  return tensor_init(t, nr_dims, dims, type);
}
int vaccel_tflite_tensor_release(struct vaccel_tflite_tensor *t) { return tensor_release(t); }
int vaccel_tflite_tensor_new(struct vaccel_tflite_tensor **t, int nr_dims, const int32_t *dims,
                             enum vaccel_tflite_data_type type) {
  return tensor_new(t, nr_dims, dims, type);
}
int vaccel_tflite_tensor_allocate(struct vaccel_tflite_tensor **t, int nr_dims, const int32_t *dims,
                                  enum vaccel_tflite_data_type type, size_t total_size) {
  return tensor_allocate(t, nr_dims, dims, type, total_size);
}
int vaccel_tflite_tensor_delete(struct vaccel_tflite_tensor *t) { return tensor_delete(t); }
int vaccel_tflite_tensor_set_data(struct vaccel_tflite_tensor *t, void *data, size_t size) {
  return tensor_set_data(t, data, size);
}
int vaccel_tflite_tensor_take_data(struct vaccel_tflite_tensor *t, void **data, size_t *size) {
  return tensor_take_data(t, data, size);
}

// ---- Torch ----
int vaccel_torch_buffer_init(struct vaccel_torch_buffer *b, char *data, size_t size) {
  return buffer_init(b, data, size);
}
int vaccel_torch_buffer_release(struct vaccel_torch_buffer *b) { return buffer_release(b); }
int vaccel_torch_buffer_new(struct vaccel_torch_buffer **b, char *data, size_t size) {
  return buffer_new(b, data, size);
}
int vaccel_torch_buffer_delete(struct vaccel_torch_buffer *b) { return buffer_delete(b); }
int vaccel_torch_buffer_take_data(struct vaccel_torch_buffer *b, void **data, size_t *size) {
  return buffer_take(b, data, size);
}

int vaccel_torch_tensor_init(struct vaccel_torch_tensor *t, int64_t nr_dims, const int64_t *dims,
                             enum vaccel_torch_data_type type) {
  return tensor_init(t, nr_dims, dims, type);
}
int vaccel_torch_tensor_release(struct vaccel_torch_tensor *t) { return tensor_release(t); }
int vaccel_torch_tensor_new(struct vaccel_torch_tensor **t, int64_t nr_dims, const int64_t *dims,
                            enum vaccel_torch_data_type type) {
  return tensor_new(t, nr_dims, dims, type);
}
int vaccel_torch_tensor_allocate(struct vaccel_torch_tensor **t, int64_t nr_dims,
                                 const int64_t *dims, enum vaccel_torch_data_type type,
                                 size_t total_size) {
  return tensor_allocate(t, nr_dims, dims, type, total_size);
}
int vaccel_torch_tensor_delete(struct vaccel_torch_tensor *t) { return tensor_delete(t); }
int vaccel_torch_tensor_set_data(struct vaccel_torch_tensor *t, void *data, size_t size) {
  return tensor_set_data(t, data, size);
}
int vaccel_torch_tensor_take_data(struct vaccel_torch_tensor *t, void **data, size_t *size) {
  return tensor_take_data(t, data, size);
}

}  // extern "C"
