// SPDX-License-Identifier: Apache-2.0
// struct vaccel_arg and struct vaccel_arg_array. The return codes of every
// edge case (NULL/zero-size arguments, EINVAL for a wrong type, ERANGE past
// the end, growth only for owned arrays) follow upstream vAccel 0.8, whose
// own tests (tests/conformance) are the judge.
#include <cstdlib>
#include <cstring>

#include "internal.hh"

namespace {

constexpr size_t kDefaultCapacity = 8;  // upstream's ARG_ARRAY_CAPACITY_DEFAULT

// Element size of a fixed-size type (scalar or array of scalars), 0 for the
// variable-size ones (RAW, STRING, BUFFER, CUSTOM).
size_t element_size(vaccel_arg_type_t t, bool &is_array) {
  is_array = false;
  switch (t) {
#define VA_ELEM_CASE(NAME, CTYPE, SCALAR, ARRAY) \
  case SCALAR:                                   \
    return sizeof(CTYPE);                        \
  case ARRAY:                                    \
    is_array = true;                             \
    return sizeof(CTYPE);
    VACCEL_ARG_NUMERIC_TYPES(VA_ELEM_CASE)
#undef VA_ELEM_CASE
    default:
      return 0;
  }
}

bool bools_valid(const void *buf, size_t n) {
  const auto *p = static_cast<const unsigned char *>(buf);
  for (size_t i = 0; i < n; i++)
    if (p[i] > 1) return false;
  return true;
}

// Is (buf, size) a well-formed value of built-in type `t`?
bool valid_builtin(vaccel_arg_type_t t, const void *buf, size_t size) {
  if (t < 0 || t >= VACCEL_ARG_MAX) return false;
  switch (t) {
    case VACCEL_ARG_RAW:
    case VACCEL_ARG_CUSTOM:
      return true;
    case VACCEL_ARG_STRING:
      return buf && size && static_cast<const char *>(buf)[size - 1] == '\0';
    case VACCEL_ARG_BUFFER:
      return buf && size;
    default:
      break;
  }
  bool is_array;
  size_t es = element_size(t, is_array);
  if (!buf || !size || (is_array ? size % es : size != es)) return false;
  if (t == VACCEL_ARG_BOOL || t == VACCEL_ARG_BOOL_ARRAY) return bools_valid(buf, size);
  return true;
}

int grow(vaccel_arg_array *a) {
  if (!a->owned) return VACCEL_ERANGE;  // wrapped arrays have a fixed size
  size_t cap = a->capacity ? a->capacity * 2 : kDefaultCapacity;
  if (cap > SIZE_MAX / sizeof(vaccel_arg)) return VACCEL_ENOMEM;
  auto *n = static_cast<vaccel_arg *>(realloc(a->args, cap * sizeof(vaccel_arg)));
  if (!n) return VACCEL_ENOMEM;
  a->args = n;
  a->capacity = cap;
  return VACCEL_OK;
}

// Appends without copying `buf` (the array does not own it unless `owned`).
int push(vaccel_arg_array *a, void *buf, size_t size, vaccel_arg_type_t type, uint32_t custom_id,
         bool owned) {
  if (!a) return VACCEL_EINVAL;
  if (a->count >= a->capacity)
    if (int ret = grow(a)) return ret;
  if (type != VACCEL_ARG_RAW && type != VACCEL_ARG_CUSTOM && !valid_builtin(type, buf, size))
    return VACCEL_EINVAL;
  a->args[a->count++] = {buf, size, type, custom_id, owned};
  return VACCEL_OK;
}

// The argument at the read/write position, if there is one (ERANGE past
// the end) and it has type `t` (EINVAL otherwise).
int at_position(vaccel_arg_array *a, vaccel_arg_type_t t, vaccel_arg **out) {
  if (a->position >= a->count) return VACCEL_ERANGE;
  vaccel_arg *arg = &a->args[a->position];
  if (arg->type != t) return VACCEL_EINVAL;
  *out = arg;
  return VACCEL_OK;
}

int scalar_at(vaccel_arg_array *a, vaccel_arg_type_t t, size_t es, vaccel_arg **out) {
  if (int ret = at_position(a, t, out)) return ret;
  return ((*out)->size == es && (*out)->buf) ? VACCEL_OK : VACCEL_EINVAL;
}

int array_at(vaccel_arg_array *a, vaccel_arg_type_t t, size_t es, vaccel_arg **out) {
  if (int ret = at_position(a, t, out)) return ret;
  return ((*out)->buf && (*out)->size && (*out)->size % es == 0) ? VACCEL_OK : VACCEL_EINVAL;
}

template <typename T>
int add_scalar(vaccel_arg_array *a, T *value, vaccel_arg_type_t t) {
  if (!a) return VACCEL_EINVAL;
  return push(a, value, sizeof(T), t, 0, false);
}

template <typename T>
int add_array(vaccel_arg_array *a, T *values, size_t count, vaccel_arg_type_t t) {
  if (!a || !values || !count || count > SIZE_MAX / sizeof(T)) return VACCEL_EINVAL;
  return push(a, values, count * sizeof(T), t, 0, false);
}

template <typename T>
int get_scalar(vaccel_arg_array *a, T *value, vaccel_arg_type_t t) {
  if (!a || !value) return VACCEL_EINVAL;
  vaccel_arg *arg;
  if (int ret = scalar_at(a, t, sizeof(T), &arg)) return ret;
  memcpy(value, arg->buf, sizeof(T));
  a->position++;
  return VACCEL_OK;
}

template <typename T>
int get_array(vaccel_arg_array *a, T **values, size_t *count, vaccel_arg_type_t t) {
  if (!a || !values) return VACCEL_EINVAL;
  vaccel_arg *arg;
  if (int ret = array_at(a, t, sizeof(T), &arg)) return ret;
  *values = static_cast<T *>(arg->buf);
  if (count) *count = arg->size / sizeof(T);
  a->position++;
  return VACCEL_OK;
}

template <typename T>
int set_scalar(vaccel_arg_array *a, T *value, vaccel_arg_type_t t) {
  if (!a || !value) return VACCEL_EINVAL;
  vaccel_arg *arg;
  if (int ret = scalar_at(a, t, sizeof(T), &arg)) return ret;
  memcpy(arg->buf, value, sizeof(T));
  a->position++;
  return VACCEL_OK;
}

template <typename T>
int set_array(vaccel_arg_array *a, T *values, size_t count, vaccel_arg_type_t t) {
  if (!a || !values) return VACCEL_EINVAL;
  vaccel_arg *arg;
  if (int ret = array_at(a, t, sizeof(T), &arg)) return ret;
  if (count > SIZE_MAX / sizeof(T) || arg->size < count * sizeof(T)) return VACCEL_EINVAL;
  memcpy(arg->buf, values, count * sizeof(T));
  a->position++;
  return VACCEL_OK;
}

int copy_arg(vaccel_arg *dst, const vaccel_arg *src, bool copy) {
  *dst = *src;
  dst->owned = false;
  if (!copy || !src->buf) return VACCEL_OK;
  dst->buf = malloc(src->size ? src->size : 1);
  if (!dst->buf) return VACCEL_ENOMEM;
  memcpy(dst->buf, src->buf, src->size);
  dst->owned = true;
  return VACCEL_OK;
}

}  // namespace

extern "C" {

int vaccel_arg_init(struct vaccel_arg *arg, const void *buf, size_t size, vaccel_arg_type_t type,
                    uint32_t custom_id) {
  if (!arg || (buf && !size)) return VACCEL_EINVAL;
  void *copy = nullptr;
  if (size) {  // NULL buf + size: a zeroed buffer of that size
    copy = calloc(1, size);
    if (!copy) return VACCEL_ENOMEM;
    if (buf) memcpy(copy, buf, size);
  }
  *arg = {copy, size, type, custom_id, true};
  return VACCEL_OK;
}

int vaccel_arg_init_from_buf(struct vaccel_arg *arg, void *buf, size_t size, vaccel_arg_type_t type,
                             uint32_t custom_id) {
  if (!arg || (buf && !size) || (size && !buf)) return VACCEL_EINVAL;
  *arg = {buf, size, type, custom_id, false};
  return VACCEL_OK;
}

int vaccel_arg_release(struct vaccel_arg *arg) {
  if (!arg) return VACCEL_EINVAL;
  if (arg->owned) free(arg->buf);
  *arg = {nullptr, 0, VACCEL_ARG_MAX, 0, false};
  return VACCEL_OK;
}

int vaccel_arg_new(struct vaccel_arg **arg, const void *buf, size_t size, vaccel_arg_type_t type,
                   uint32_t custom_id) {
  if (!arg) return VACCEL_EINVAL;
  auto *a = static_cast<vaccel_arg *>(malloc(sizeof(vaccel_arg)));
  if (!a) return VACCEL_ENOMEM;
  if (int ret = vaccel_arg_init(a, buf, size, type, custom_id)) {
    free(a);
    return ret;
  }
  *arg = a;
  return VACCEL_OK;
}

int vaccel_arg_from_buf(struct vaccel_arg **arg, void *buf, size_t size, vaccel_arg_type_t type,
                        uint32_t custom_id) {
  if (!arg) return VACCEL_EINVAL;
  auto *a = static_cast<vaccel_arg *>(malloc(sizeof(vaccel_arg)));
  if (!a) return VACCEL_ENOMEM;
  if (int ret = vaccel_arg_init_from_buf(a, buf, size, type, custom_id)) {
    free(a);
    return ret;
  }
  *arg = a;
  return VACCEL_OK;
}

int vaccel_arg_delete(struct vaccel_arg *arg) {
  if (int ret = vaccel_arg_release(arg)) return ret;
  free(arg);
  return VACCEL_OK;
}

int vaccel_arg_array_init(struct vaccel_arg_array *array, size_t cap) {
  if (!array) return VACCEL_EINVAL;
  if (!cap) cap = kDefaultCapacity;
  if (cap > SIZE_MAX / sizeof(vaccel_arg)) return VACCEL_ENOMEM;
  array->args = static_cast<vaccel_arg *>(calloc(cap, sizeof(vaccel_arg)));
  array->count = 0;
  array->position = 0;
  array->owned = true;
  array->capacity = array->args ? cap : 0;
  return array->args ? VACCEL_OK : VACCEL_ENOMEM;
}

int vaccel_arg_array_release(struct vaccel_arg_array *array) {
  if (!array || !array->args) return VACCEL_EINVAL;
  if (array->owned) {
    for (size_t i = 0; i < array->count; i++) vaccel_arg_release(&array->args[i]);
    free(array->args);
  }
  *array = {nullptr, 0, 0, 0, false};
  return VACCEL_OK;
}

int vaccel_arg_array_new(struct vaccel_arg_array **array, size_t cap) {
  if (!array) return VACCEL_EINVAL;
  auto *a = static_cast<vaccel_arg_array *>(malloc(sizeof(vaccel_arg_array)));
  if (!a) return VACCEL_ENOMEM;
  if (int ret = vaccel_arg_array_init(a, cap)) {
    free(a);
    return ret;
  }
  *array = a;
  return VACCEL_OK;
}

int vaccel_arg_array_delete(struct vaccel_arg_array *array) {
  if (int ret = vaccel_arg_array_release(array)) return ret;
  free(array);
  return VACCEL_OK;
}

int vaccel_arg_array_wrap(struct vaccel_arg_array *array, struct vaccel_arg *args, size_t count) {
  if (!array || (!args && count)) return VACCEL_EINVAL;
  *array = {args, count, count, 0, false};
  return VACCEL_OK;
}

void vaccel_arg_array_clear(struct vaccel_arg_array *array) {
  if (!array || !array->args) return;
  for (size_t i = 0; i < array->count; i++) vaccel_arg_release(&array->args[i]);
  array->count = 0;
  array->position = 0;
}

int vaccel_arg_array_add_raw(struct vaccel_arg_array *array, void *buf, size_t size) {
  if (!array) return VACCEL_EINVAL;
  if ((buf && !size) || (size && !buf)) return VACCEL_EINVAL;
  return push(array, buf, size, VACCEL_ARG_RAW, 0, false);
}

int vaccel_arg_array_add_string(struct vaccel_arg_array *array, char *str) {
  if (!array || !str) return VACCEL_EINVAL;
  return push(array, str, strlen(str) + 1, VACCEL_ARG_STRING, 0, false);
}

int vaccel_arg_array_add_buffer(struct vaccel_arg_array *array, void *buf, size_t size) {
  return push(array, buf, size, VACCEL_ARG_BUFFER, 0, false);
}

int vaccel_arg_array_add_custom(struct vaccel_arg_array *array, uint32_t custom_id, void *buf,
                                size_t size, vaccel_arg_type_validator_fn validator) {
  if (!array || !validator || !validator(buf, size, custom_id)) return VACCEL_EINVAL;
  return push(array, buf, size, VACCEL_ARG_CUSTOM, custom_id, false);
}

int vaccel_arg_array_add_serialized(struct vaccel_arg_array *array, vaccel_arg_type_t type,
                                    uint32_t custom_id, const void *data, size_t data_size,
                                    vaccel_arg_serializer_fn serializer) {
  if (!array || !serializer) return VACCEL_EINVAL;
  void *buf = nullptr;
  size_t size = 0;
  if (int ret = serializer(data, data_size, custom_id, &buf, &size)) return ret;
  if (int ret = push(array, buf, size, type, custom_id, true)) {
    free(buf);
    return ret;
  }
  return VACCEL_OK;
}

int vaccel_arg_array_add_range(struct vaccel_arg_array *dest, const struct vaccel_arg_array *src,
                               size_t start, size_t count, bool copy) {
  if (!dest || !src) return VACCEL_EINVAL;
  if (start >= src->count || count > src->count - start) return VACCEL_ERANGE;
  if (!count) return VACCEL_OK;
  while (dest->capacity - dest->count < count)
    if (int ret = grow(dest)) return ret;
  for (size_t i = 0; i < count; i++) {
    int ret = copy_arg(&dest->args[dest->count + i], &src->args[start + i], copy);
    if (ret) {
      for (size_t j = 0; j < i; j++) vaccel_arg_release(&dest->args[dest->count + j]);
      return ret;
    }
  }
  dest->count += count;
  return VACCEL_OK;
}

int vaccel_arg_array_add_remaining(struct vaccel_arg_array *dest,
                                   const struct vaccel_arg_array *src, bool copy) {
  if (!dest || !src) return VACCEL_EINVAL;
  if (src->position >= src->count) return VACCEL_OK;
  return vaccel_arg_array_add_range(dest, src, src->position, src->count - src->position, copy);
}

int vaccel_arg_array_add_all(struct vaccel_arg_array *dest, const struct vaccel_arg_array *src,
                             bool copy) {
  if (!dest || !src) return VACCEL_EINVAL;
  if (!src->count) return VACCEL_OK;
  return vaccel_arg_array_add_range(dest, src, 0, src->count, copy);
}

int vaccel_arg_array_get_raw(struct vaccel_arg_array *array, void **buf, size_t *size) {
  if (!array || !buf || !size) return VACCEL_EINVAL;
  vaccel_arg *arg;
  if (int ret = at_position(array, VACCEL_ARG_RAW, &arg)) return ret;
  *buf = arg->buf;
  *size = arg->size;
  array->position++;
  return VACCEL_OK;
}

int vaccel_arg_array_get_string(struct vaccel_arg_array *array, char **str) {
  if (!array || !str) return VACCEL_EINVAL;
  vaccel_arg *arg;
  if (int ret = at_position(array, VACCEL_ARG_STRING, &arg)) return ret;
  if (!valid_builtin(VACCEL_ARG_STRING, arg->buf, arg->size)) return VACCEL_EINVAL;
  *str = static_cast<char *>(arg->buf);
  array->position++;
  return VACCEL_OK;
}

int vaccel_arg_array_get_buffer(struct vaccel_arg_array *array, void **buf, size_t *size) {
  if (!array || !buf || !size) return VACCEL_EINVAL;
  vaccel_arg *arg;
  if (int ret = at_position(array, VACCEL_ARG_BUFFER, &arg)) return ret;
  if (!arg->buf || !arg->size) return VACCEL_EINVAL;
  *buf = arg->buf;
  *size = arg->size;
  array->position++;
  return VACCEL_OK;
}

int vaccel_arg_array_get_custom(struct vaccel_arg_array *array, uint32_t expected_id, void **buf,
                                size_t *size, vaccel_arg_type_validator_fn validator) {
  if (!array || !validator || !buf) return VACCEL_EINVAL;
  vaccel_arg *arg;
  if (int ret = at_position(array, VACCEL_ARG_CUSTOM, &arg)) return ret;
  if (arg->custom_type_id != expected_id || !validator(arg->buf, arg->size, arg->custom_type_id))
    return VACCEL_EINVAL;
  *buf = arg->buf;
  if (size) *size = arg->size;
  array->position++;
  return VACCEL_OK;
}

// The argument a (de)serializing accessor may use, and the custom id to
// hand to its callback (0 for built-in types).
static int serialized_at(vaccel_arg_array *array, vaccel_arg_type_t type, uint32_t *custom_id,
                         vaccel_arg **arg) {
  if (int ret = at_position(array, type, arg)) return ret;
  if (type == VACCEL_ARG_CUSTOM)
    return (*arg)->custom_type_id == *custom_id ? VACCEL_OK : VACCEL_EINVAL;
  if (!valid_builtin(type, (*arg)->buf, (*arg)->size)) return VACCEL_EINVAL;
  *custom_id = 0;
  return VACCEL_OK;
}

int vaccel_arg_array_get_serialized(struct vaccel_arg_array *array, vaccel_arg_type_t expected_type,
                                    uint32_t expected_custom_id, void *data, size_t expected_size,
                                    vaccel_arg_deserializer_fn deserializer) {
  if (!array || !data || !deserializer) return VACCEL_EINVAL;
  vaccel_arg *arg;
  if (int ret = serialized_at(array, expected_type, &expected_custom_id, &arg)) return ret;
  if (int ret = deserializer(arg->buf, arg->size, expected_custom_id, expected_size, data))
    return ret;
  array->position++;
  return VACCEL_OK;
}

int vaccel_arg_array_set_raw(struct vaccel_arg_array *array, void *buf, size_t size) {
  if (!array) return VACCEL_EINVAL;
  vaccel_arg *arg;
  if (int ret = at_position(array, VACCEL_ARG_RAW, &arg)) return ret;
  if (buf && size) {
    if (!arg->buf || arg->size < size) return VACCEL_EINVAL;
    memcpy(arg->buf, buf, size);
  } else if (arg->buf && arg->size) {
    return VACCEL_EINVAL;  // nothing given for a non-empty slot
  }
  array->position++;
  return VACCEL_OK;
}

int vaccel_arg_array_set_string(struct vaccel_arg_array *array, char *str) {
  if (!array || !str) return VACCEL_EINVAL;
  vaccel_arg *arg;
  if (int ret = at_position(array, VACCEL_ARG_STRING, &arg)) return ret;
  size_t len = strlen(str) + 1;
  if (!arg->buf || arg->size < len) return VACCEL_EINVAL;
  memcpy(arg->buf, str, len);
  memset(static_cast<char *>(arg->buf) + len, 0, arg->size - len);
  array->position++;
  return VACCEL_OK;
}

int vaccel_arg_array_set_buffer(struct vaccel_arg_array *array, void *buf, size_t size) {
  if (!array || !buf || !size) return VACCEL_EINVAL;
  vaccel_arg *arg;
  if (int ret = at_position(array, VACCEL_ARG_BUFFER, &arg)) return ret;
  if (!arg->buf || arg->size < size) return VACCEL_EINVAL;
  memcpy(arg->buf, buf, size);
  array->position++;
  return VACCEL_OK;
}

int vaccel_arg_array_set_custom(struct vaccel_arg_array *array, uint32_t expected_id, void *buf,
                                size_t size, vaccel_arg_type_validator_fn validator) {
  if (!array || !validator) return VACCEL_EINVAL;
  vaccel_arg *arg;
  if (int ret = at_position(array, VACCEL_ARG_CUSTOM, &arg)) return ret;
  if (arg->custom_type_id != expected_id || arg->size != size ||
      !validator(buf, size, arg->custom_type_id))
    return VACCEL_EINVAL;
  if (size) memcpy(arg->buf, buf, size);
  array->position++;
  return VACCEL_OK;
}

int vaccel_arg_array_set_serialized(struct vaccel_arg_array *array, vaccel_arg_type_t expected_type,
                                    uint32_t expected_custom_id, void *data, size_t data_size,
                                    vaccel_arg_serializer_fn serializer) {
  if (!array || !data || !serializer) return VACCEL_EINVAL;
  vaccel_arg *arg;
  if (int ret = serialized_at(array, expected_type, &expected_custom_id, &arg)) return ret;
  void *buf = nullptr;
  size_t size = 0;
  if (int ret = serializer(data, data_size, expected_custom_id, &buf, &size)) return ret;
  if (arg->size != size) {
    free(buf);
    return VACCEL_EINVAL;
  }
  if (size) memcpy(arg->buf, buf, size);
  free(buf);
  array->position++;
  return VACCEL_OK;
}

int vaccel_arg_array_get_remaining(struct vaccel_arg_array *array, struct vaccel_arg **args,
                                   size_t *count) {
  if (!array || !args || !count) return VACCEL_EINVAL;
  if (array->position >= array->count) {
    *args = nullptr;
    *count = 0;
    return VACCEL_OK;
  }
  *args = &array->args[array->position];
  *count = array->count - array->position;
  return VACCEL_OK;
}

size_t vaccel_arg_array_remaining_count(const struct vaccel_arg_array *array) {
  if (!array || array->position >= array->count) return 0;
  return array->count - array->position;
}

size_t vaccel_arg_array_position(const struct vaccel_arg_array *array) {
  return array ? array->position : 0;
}

void vaccel_arg_array_set_position(struct vaccel_arg_array *array, size_t position) {
  if (array) array->position = position > array->count ? array->count : position;
}

void vaccel_arg_array_reset_position(struct vaccel_arg_array *array) {
  if (array) array->position = 0;
}

size_t vaccel_arg_array_count(const struct vaccel_arg_array *array) {
  return array ? array->count : 0;
}

struct vaccel_arg *vaccel_arg_array_raw(struct vaccel_arg_array *array) {
  return array ? array->args : nullptr;
}

// Typed functions for every numeric kind. CTYPE is a type: it cannot be parenthesised.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define VA_DEFINE_TYPED(NAME, CTYPE, SCALAR, ARRAY)                                       \
  int vaccel_arg_array_add_##NAME(struct vaccel_arg_array *array, CTYPE *value) {         \
    return add_scalar(array, value, SCALAR);                                              \
  }                                                                                       \
  int vaccel_arg_array_add_##NAME##_array(struct vaccel_arg_array *array, CTYPE *values,  \
                                          size_t count) {                                 \
    return add_array(array, values, count, ARRAY);                                        \
  }                                                                                       \
  int vaccel_arg_array_get_##NAME(struct vaccel_arg_array *array, CTYPE *value) {         \
    return get_scalar(array, value, SCALAR);                                              \
  }                                                                                       \
  int vaccel_arg_array_get_##NAME##_array(struct vaccel_arg_array *array, CTYPE **values, \
                                          size_t *count) {                                \
    return get_array(array, values, count, ARRAY);                                        \
  }                                                                                       \
  int vaccel_arg_array_set_##NAME(struct vaccel_arg_array *array, CTYPE *value) {         \
    return set_scalar(array, value, SCALAR);                                              \
  }                                                                                       \
  int vaccel_arg_array_set_##NAME##_array(struct vaccel_arg_array *array, CTYPE *values,  \
                                          size_t count) {                                 \
    return set_array(array, values, count, ARRAY);                                        \
  }

// NOLINTEND(bugprone-macro-parentheses)
VACCEL_ARG_NUMERIC_TYPES(VA_DEFINE_TYPED)

}  // extern "C"
