// SPDX-License-Identifier: Apache-2.0
// struct vaccel_arg and the typed struct vaccel_arg_array.
#include "internal.hpp"

#include <cstdlib>
#include <cstring>

namespace {

int arg_set(vaccel_arg *arg, void *buf, size_t size, vaccel_arg_type_t type,
	    uint32_t id, bool owned)
{
	arg->buf = buf;
	arg->size = size;
	arg->type = type;
	arg->custom_type_id = id;
	arg->owned = owned;
	return VACCEL_OK;
}

bool valid_arg_type(vaccel_arg_type_t t)
{
	return t >= VACCEL_ARG_RAW && t < VACCEL_ARG_MAX;
}

int grow(vaccel_arg_array *a)
{
	if (a->count < a->capacity)
		return VACCEL_OK;
	if (!a->owned)
		return VACCEL_ENOSPC; // wrapped storage cannot grow
	size_t cap = a->capacity ? a->capacity * 2 : 4;
	auto *n = static_cast<vaccel_arg *>(
		realloc(a->args, cap * sizeof(vaccel_arg)));
	if (!n)
		return VACCEL_ENOMEM;
	memset(n + a->capacity, 0, (cap - a->capacity) * sizeof(vaccel_arg));
	a->args = n;
	a->capacity = cap;
	return VACCEL_OK;
}

int push(vaccel_arg_array *a, void *buf, size_t size, vaccel_arg_type_t type,
	 uint32_t id, bool owned)
{
	if (!a)
		return VACCEL_EINVAL;
	if (int ret = grow(a))
		return ret;
	arg_set(&a->args[a->count++], buf, size, type, id, owned);
	return VACCEL_OK;
}

// Next arg for get/set: must exist and (unless RAW) have type `type`.
vaccel_arg *next(vaccel_arg_array *a, vaccel_arg_type_t type, bool check)
{
	if (!a || a->position >= a->count)
		return nullptr;
	vaccel_arg *arg = &a->args[a->position];
	if (check && arg->type != type)
		return nullptr;
	return arg;
}

int get_scalar(vaccel_arg_array *a, vaccel_arg_type_t type, void *out,
	       size_t size)
{
	if (!out)
		return VACCEL_EINVAL;
	vaccel_arg *arg = next(a, type, true);
	if (!arg || arg->size != size || !arg->buf)
		return VACCEL_EINVAL;
	memcpy(out, arg->buf, size);
	++a->position;
	return VACCEL_OK;
}

int get_array(vaccel_arg_array *a, vaccel_arg_type_t type, void **out,
	      size_t *count, size_t elem)
{
	if (!out || !count)
		return VACCEL_EINVAL;
	vaccel_arg *arg = next(a, type, true);
	if (!arg || arg->size % elem)
		return VACCEL_EINVAL;
	*out = arg->buf;
	*count = arg->size / elem;
	++a->position;
	return VACCEL_OK;
}

int set_bytes(vaccel_arg_array *a, vaccel_arg_type_t type, bool check,
	      const void *src, size_t size, bool exact)
{
	if (!src && size)
		return VACCEL_EINVAL;
	vaccel_arg *arg = next(a, type, check);
	if (!arg)
		return VACCEL_EINVAL;
	if (exact ? arg->size != size : arg->size < size)
		return exact ? VACCEL_EINVAL : VACCEL_ENOSPC;
	if (size && !arg->buf)
		return VACCEL_EINVAL;
	if (size)
		memcpy(arg->buf, src, size);
	++a->position;
	return VACCEL_OK;
}

int copy_arg(vaccel_arg *dst, const vaccel_arg *src, bool copy)
{
	if (!copy)
		return arg_set(dst, src->buf, src->size, src->type,
			       src->custom_type_id, false);
	return vaccel_arg_init(dst, src->buf, src->size, src->type,
			       src->custom_type_id);
}

} // namespace

extern "C" {

int vaccel_arg_init(struct vaccel_arg *arg, const void *buf, size_t size,
		    vaccel_arg_type_t type, uint32_t custom_id)
{
	if (!arg || (!buf && size) || !valid_arg_type(type))
		return VACCEL_EINVAL;
	void *copy = nullptr;
	if (size) {
		copy = malloc(size);
		if (!copy)
			return VACCEL_ENOMEM;
		memcpy(copy, buf, size);
	}
	return arg_set(arg, copy, size, type, custom_id, size != 0);
}

int vaccel_arg_init_from_buf(struct vaccel_arg *arg, void *buf, size_t size,
			     vaccel_arg_type_t type, uint32_t custom_id)
{
	if (!arg || (!buf && size) || !valid_arg_type(type))
		return VACCEL_EINVAL;
	return arg_set(arg, buf, size, type, custom_id, false);
}

int vaccel_arg_release(struct vaccel_arg *arg)
{
	if (!arg)
		return VACCEL_EINVAL;
	if (arg->owned)
		free(arg->buf);
	*arg = vaccel_arg{};
	return VACCEL_OK;
}

int vaccel_arg_new(struct vaccel_arg **arg, const void *buf, size_t size,
		   vaccel_arg_type_t type, uint32_t custom_id)
{
	if (!arg)
		return VACCEL_EINVAL;
	auto *a = static_cast<vaccel_arg *>(calloc(1, sizeof(vaccel_arg)));
	if (!a)
		return VACCEL_ENOMEM;
	int ret = vaccel_arg_init(a, buf, size, type, custom_id);
	if (ret) {
		free(a);
		return ret;
	}
	*arg = a;
	return VACCEL_OK;
}

int vaccel_arg_from_buf(struct vaccel_arg **arg, void *buf, size_t size,
			vaccel_arg_type_t type, uint32_t custom_id)
{
	if (!arg)
		return VACCEL_EINVAL;
	auto *a = static_cast<vaccel_arg *>(calloc(1, sizeof(vaccel_arg)));
	if (!a)
		return VACCEL_ENOMEM;
	int ret = vaccel_arg_init_from_buf(a, buf, size, type, custom_id);
	if (ret) {
		free(a);
		return ret;
	}
	*arg = a;
	return VACCEL_OK;
}

int vaccel_arg_delete(struct vaccel_arg *arg)
{
	int ret = vaccel_arg_release(arg);
	if (ret)
		return ret;
	free(arg);
	return VACCEL_OK;
}

int vaccel_arg_array_init(struct vaccel_arg_array *array, size_t cap)
{
	if (!array)
		return VACCEL_EINVAL;
	*array = vaccel_arg_array{};
	array->owned = true;
	if (cap) {
		array->args = static_cast<vaccel_arg *>(
			calloc(cap, sizeof(vaccel_arg)));
		if (!array->args)
			return VACCEL_ENOMEM;
		array->capacity = cap;
	}
	return VACCEL_OK;
}

void vaccel_arg_array_clear(struct vaccel_arg_array *array)
{
	if (!array)
		return;
	for (size_t i = 0; i < array->count; ++i)
		if (array->owned)
			vaccel_arg_release(&array->args[i]);
	array->count = 0;
	array->position = 0;
}

int vaccel_arg_array_release(struct vaccel_arg_array *array)
{
	if (!array)
		return VACCEL_EINVAL;
	vaccel_arg_array_clear(array);
	if (array->owned)
		free(array->args);
	*array = vaccel_arg_array{};
	return VACCEL_OK;
}

int vaccel_arg_array_new(struct vaccel_arg_array **array, size_t cap)
{
	if (!array)
		return VACCEL_EINVAL;
	auto *a = static_cast<vaccel_arg_array *>(
		calloc(1, sizeof(vaccel_arg_array)));
	if (!a)
		return VACCEL_ENOMEM;
	int ret = vaccel_arg_array_init(a, cap);
	if (ret) {
		free(a);
		return ret;
	}
	*array = a;
	return VACCEL_OK;
}

int vaccel_arg_array_delete(struct vaccel_arg_array *array)
{
	int ret = vaccel_arg_array_release(array);
	if (ret)
		return ret;
	free(array);
	return VACCEL_OK;
}

int vaccel_arg_array_wrap(struct vaccel_arg_array *array,
			  struct vaccel_arg *args, size_t count)
{
	if (!array || (!args && count))
		return VACCEL_EINVAL;
	array->args = args;
	array->count = count;
	array->capacity = count;
	array->position = 0;
	array->owned = false;
	return VACCEL_OK;
}

int vaccel_arg_array_add_raw(struct vaccel_arg_array *array, void *buf,
			     size_t size)
{
	if (!buf && size)
		return VACCEL_EINVAL;
	return push(array, buf, size, VACCEL_ARG_RAW, 0, false);
}

int vaccel_arg_array_add_string(struct vaccel_arg_array *array, char *str)
{
	if (!str)
		return VACCEL_EINVAL;
	return push(array, str, strlen(str) + 1, VACCEL_ARG_STRING, 0, false);
}

int vaccel_arg_array_add_buffer(struct vaccel_arg_array *array, void *buf,
				size_t size)
{
	if (!buf && size)
		return VACCEL_EINVAL;
	return push(array, buf, size, VACCEL_ARG_BUFFER, 0, false);
}

int vaccel_arg_array_add_custom(struct vaccel_arg_array *array,
				uint32_t custom_id, void *buf, size_t size,
				vaccel_arg_type_validator_fn validator)
{
	if ((!buf && size) || (validator && !validator(buf, size, custom_id)))
		return VACCEL_EINVAL;
	return push(array, buf, size, VACCEL_ARG_CUSTOM, custom_id, false);
}

int vaccel_arg_array_add_serialized(struct vaccel_arg_array *array,
				    vaccel_arg_type_t type, uint32_t custom_id,
				    const void *data, size_t data_size,
				    vaccel_arg_serializer_fn serializer)
{
	if (!array || !serializer || !valid_arg_type(type))
		return VACCEL_EINVAL;
	void *buf = nullptr;
	size_t size = 0;
	int ret = serializer(data, data_size, custom_id, &buf, &size);
	if (ret)
		return ret;
	ret = push(array, buf, size, type, custom_id, true);
	if (ret)
		free(buf);
	return ret;
}

int vaccel_arg_array_add_range(struct vaccel_arg_array *dest,
			       const struct vaccel_arg_array *src,
			       size_t start_idx, size_t count, bool copy)
{
	if (!dest || !src || start_idx > src->count ||
	    count > src->count - start_idx)
		return VACCEL_EINVAL;
	for (size_t i = 0; i < count; ++i) {
		if (int ret = grow(dest))
			return ret;
		vaccel_arg *d = &dest->args[dest->count];
		if (int ret = copy_arg(d, &src->args[start_idx + i], copy))
			return ret;
		++dest->count;
	}
	return VACCEL_OK;
}

int vaccel_arg_array_add_remaining(struct vaccel_arg_array *dest,
				   const struct vaccel_arg_array *src,
				   bool copy)
{
	if (!src)
		return VACCEL_EINVAL;
	return vaccel_arg_array_add_range(dest, src, src->position,
					  src->count - src->position, copy);
}

int vaccel_arg_array_add_all(struct vaccel_arg_array *dest,
			     const struct vaccel_arg_array *src, bool copy)
{
	if (!src)
		return VACCEL_EINVAL;
	return vaccel_arg_array_add_range(dest, src, 0, src->count, copy);
}

int vaccel_arg_array_get_raw(struct vaccel_arg_array *array, void **buf,
			     size_t *size)
{
	if (!buf || !size)
		return VACCEL_EINVAL;
	vaccel_arg *arg = next(array, VACCEL_ARG_RAW, false);
	if (!arg)
		return VACCEL_EINVAL;
	*buf = arg->buf;
	*size = arg->size;
	++array->position;
	return VACCEL_OK;
}

int vaccel_arg_array_get_string(struct vaccel_arg_array *array, char **str)
{
	if (!str)
		return VACCEL_EINVAL;
	vaccel_arg *arg = next(array, VACCEL_ARG_STRING, true);
	// must be NUL-terminated within its size
	if (!arg || !arg->buf || !arg->size ||
	    !memchr(arg->buf, '\0', arg->size))
		return VACCEL_EINVAL;
	*str = static_cast<char *>(arg->buf);
	++array->position;
	return VACCEL_OK;
}

int vaccel_arg_array_get_buffer(struct vaccel_arg_array *array, void **buf,
				size_t *size)
{
	if (!buf || !size)
		return VACCEL_EINVAL;
	vaccel_arg *arg = next(array, VACCEL_ARG_BUFFER, true);
	if (!arg)
		return VACCEL_EINVAL;
	*buf = arg->buf;
	*size = arg->size;
	++array->position;
	return VACCEL_OK;
}

int vaccel_arg_array_get_custom(struct vaccel_arg_array *array,
				uint32_t expected_id, void **buf, size_t *size,
				vaccel_arg_type_validator_fn validator)
{
	if (!buf || !size)
		return VACCEL_EINVAL;
	vaccel_arg *arg = next(array, VACCEL_ARG_CUSTOM, true);
	if (!arg || arg->custom_type_id != expected_id ||
	    (validator && !validator(arg->buf, arg->size, expected_id)))
		return VACCEL_EINVAL;
	*buf = arg->buf;
	*size = arg->size;
	++array->position;
	return VACCEL_OK;
}

int vaccel_arg_array_get_serialized(struct vaccel_arg_array *array,
				    vaccel_arg_type_t expected_type,
				    uint32_t expected_custom_id, void *data,
				    size_t expected_size,
				    vaccel_arg_deserializer_fn deserializer)
{
	if (!data || !deserializer)
		return VACCEL_EINVAL;
	vaccel_arg *arg = next(array, expected_type, true);
	if (!arg || arg->custom_type_id != expected_custom_id)
		return VACCEL_EINVAL;
	int ret = deserializer(arg->buf, arg->size, expected_custom_id,
			       expected_size, data);
	if (ret)
		return ret;
	++array->position;
	return VACCEL_OK;
}

int vaccel_arg_array_set_raw(struct vaccel_arg_array *array, void *buf,
			     size_t size)
{
	return set_bytes(array, VACCEL_ARG_RAW, false, buf, size, false);
}

int vaccel_arg_array_set_string(struct vaccel_arg_array *array, char *str)
{
	if (!str)
		return VACCEL_EINVAL;
	return set_bytes(array, VACCEL_ARG_STRING, true, str, strlen(str) + 1,
			 false);
}

int vaccel_arg_array_set_buffer(struct vaccel_arg_array *array, void *buf,
				size_t size)
{
	return set_bytes(array, VACCEL_ARG_BUFFER, true, buf, size, false);
}

int vaccel_arg_array_set_custom(struct vaccel_arg_array *array,
				uint32_t expected_id, void *buf, size_t size,
				vaccel_arg_type_validator_fn validator)
{
	vaccel_arg *arg = next(array, VACCEL_ARG_CUSTOM, true);
	if (!arg || arg->custom_type_id != expected_id ||
	    (validator && !validator(buf, size, expected_id)))
		return VACCEL_EINVAL;
	return set_bytes(array, VACCEL_ARG_CUSTOM, true, buf, size, false);
}

int vaccel_arg_array_set_serialized(struct vaccel_arg_array *array,
				    vaccel_arg_type_t expected_type,
				    uint32_t expected_custom_id, void *data,
				    size_t data_size,
				    vaccel_arg_serializer_fn serializer)
{
	if (!serializer)
		return VACCEL_EINVAL;
	vaccel_arg *arg = next(array, expected_type, true);
	if (!arg || arg->custom_type_id != expected_custom_id)
		return VACCEL_EINVAL;
	void *buf = nullptr;
	size_t size = 0;
	int ret = serializer(data, data_size, expected_custom_id, &buf, &size);
	if (ret)
		return ret;
	ret = set_bytes(array, expected_type, true, buf, size, false);
	free(buf);
	return ret;
}

int vaccel_arg_array_get_remaining(struct vaccel_arg_array *array,
				   struct vaccel_arg **args, size_t *count)
{
	if (!array || !args || !count || array->position > array->count)
		return VACCEL_EINVAL;
	*count = array->count - array->position;
	*args = *count ? &array->args[array->position] : nullptr;
	array->position = array->count;
	return VACCEL_OK;
}

size_t vaccel_arg_array_remaining_count(const struct vaccel_arg_array *array)
{
	return array && array->position < array->count
		       ? array->count - array->position
		       : 0;
}

size_t vaccel_arg_array_position(const struct vaccel_arg_array *array)
{
	return array ? array->position : 0;
}

void vaccel_arg_array_set_position(struct vaccel_arg_array *array,
				   size_t position)
{
	if (array && position <= array->count)
		array->position = position;
}

void vaccel_arg_array_reset_position(struct vaccel_arg_array *array)
{
	if (array)
		array->position = 0;
}

size_t vaccel_arg_array_count(const struct vaccel_arg_array *array)
{
	return array ? array->count : 0;
}

struct vaccel_arg *vaccel_arg_array_raw(struct vaccel_arg_array *array)
{
	return array ? array->args : nullptr;
}

// Typed functions for every numeric kind.
#define VA_DEFINE_TYPED(NAME, CTYPE, SCALAR, ARRAY)                           \
	int vaccel_arg_array_add_##NAME(struct vaccel_arg_array *array,       \
					CTYPE *value)                         \
	{                                                                     \
		if (!value)                                                   \
			return VACCEL_EINVAL;                                 \
		return push(array, value, sizeof(CTYPE), SCALAR, 0, false);   \
	}                                                                     \
	int vaccel_arg_array_add_##NAME##_array(                              \
		struct vaccel_arg_array *array, CTYPE *values, size_t count)  \
	{                                                                     \
		if (!values && count)                                         \
			return VACCEL_EINVAL;                                 \
		if (count > SIZE_MAX / sizeof(CTYPE))                         \
			return VACCEL_EINVAL;                                 \
		return push(array, values, count * sizeof(CTYPE), ARRAY, 0,  \
			    false);                                           \
	}                                                                     \
	int vaccel_arg_array_get_##NAME(struct vaccel_arg_array *array,       \
					CTYPE *value)                         \
	{                                                                     \
		return get_scalar(array, SCALAR, value, sizeof(CTYPE));       \
	}                                                                     \
	int vaccel_arg_array_get_##NAME##_array(                              \
		struct vaccel_arg_array *array, CTYPE **values, size_t *count) \
	{                                                                     \
		return get_array(array, ARRAY, reinterpret_cast<void **>(values), \
				 count, sizeof(CTYPE));                       \
	}                                                                     \
	int vaccel_arg_array_set_##NAME(struct vaccel_arg_array *array,       \
					CTYPE *value)                         \
	{                                                                     \
		if (!value)                                                   \
			return VACCEL_EINVAL;                                 \
		return set_bytes(array, SCALAR, true, value, sizeof(CTYPE),   \
				 true);                                       \
	}                                                                     \
	int vaccel_arg_array_set_##NAME##_array(                              \
		struct vaccel_arg_array *array, CTYPE *values, size_t count)  \
	{                                                                     \
		if (count > SIZE_MAX / sizeof(CTYPE))                         \
			return VACCEL_EINVAL;                                 \
		return set_bytes(array, ARRAY, true, values,                  \
				 count * sizeof(CTYPE), true);                \
	}

VACCEL_ARG_NUMERIC_TYPES(VA_DEFINE_TYPED)

} // extern "C"
