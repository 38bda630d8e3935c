/* SPDX-License-Identifier: Apache-2.0 */
/* Arguments of generic operations (genop, exec) and the typed arg array that
 * packs/unpacks them. */
#ifndef VACCEL_ARG_H
#define VACCEL_ARG_H

#include "utils/enum.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define _ENUM_PREFIX VACCEL_ARG
#define VACCEL_ARG_TYPE_ENUM_LIST(VACCEL_ENUM_ITEM) \
	VACCEL_ENUM_ITEM(RAW, 0, _ENUM_PREFIX) \
	VACCEL_ENUM_ITEM(INT8, _ENUM_PREFIX) \
	VACCEL_ENUM_ITEM(INT8_ARRAY, _ENUM_PREFIX) \
	VACCEL_ENUM_ITEM(INT16, _ENUM_PREFIX) \
	VACCEL_ENUM_ITEM(INT16_ARRAY, _ENUM_PREFIX) \
	VACCEL_ENUM_ITEM(INT32, _ENUM_PREFIX) \
	VACCEL_ENUM_ITEM(INT32_ARRAY, _ENUM_PREFIX) \
	VACCEL_ENUM_ITEM(INT64, _ENUM_PREFIX) \
	VACCEL_ENUM_ITEM(INT64_ARRAY, _ENUM_PREFIX) \
	VACCEL_ENUM_ITEM(UINT8, _ENUM_PREFIX) \
	VACCEL_ENUM_ITEM(UINT8_ARRAY, _ENUM_PREFIX) \
	VACCEL_ENUM_ITEM(UINT16, _ENUM_PREFIX) \
	VACCEL_ENUM_ITEM(UINT16_ARRAY, _ENUM_PREFIX) \
	VACCEL_ENUM_ITEM(UINT32, _ENUM_PREFIX) \
	VACCEL_ENUM_ITEM(UINT32_ARRAY, _ENUM_PREFIX) \
	VACCEL_ENUM_ITEM(UINT64, _ENUM_PREFIX) \
	VACCEL_ENUM_ITEM(UINT64_ARRAY, _ENUM_PREFIX) \
	VACCEL_ENUM_ITEM(FLOAT32, _ENUM_PREFIX) \
	VACCEL_ENUM_ITEM(FLOAT32_ARRAY, _ENUM_PREFIX) \
	VACCEL_ENUM_ITEM(FLOAT64, _ENUM_PREFIX) \
	VACCEL_ENUM_ITEM(FLOAT64_ARRAY, _ENUM_PREFIX) \
	VACCEL_ENUM_ITEM(BOOL, _ENUM_PREFIX) \
	VACCEL_ENUM_ITEM(BOOL_ARRAY, _ENUM_PREFIX) \
	VACCEL_ENUM_ITEM(CHAR, _ENUM_PREFIX) \
	VACCEL_ENUM_ITEM(CHAR_ARRAY, _ENUM_PREFIX) \
	VACCEL_ENUM_ITEM(UCHAR, _ENUM_PREFIX) \
	VACCEL_ENUM_ITEM(UCHAR_ARRAY, _ENUM_PREFIX) \
	VACCEL_ENUM_ITEM(STRING, _ENUM_PREFIX) \
	VACCEL_ENUM_ITEM(BUFFER, _ENUM_PREFIX) \
	VACCEL_ENUM_ITEM(CUSTOM, _ENUM_PREFIX)
VACCEL_ENUM_DEF_WITH_STR_FUNCS(vaccel_arg_type, _ENUM_PREFIX,
			       VACCEL_ARG_TYPE_ENUM_LIST)
#undef _ENUM_PREFIX


/* The scalar kinds that get typed add/get/set functions:
 * X(function-name part, C type, scalar arg type, array arg type) */
#define VACCEL_ARG_NUMERIC_TYPES(X)                                     \
	X(int8, int8_t, VACCEL_ARG_INT8, VACCEL_ARG_INT8_ARRAY)         \
	X(int16, int16_t, VACCEL_ARG_INT16, VACCEL_ARG_INT16_ARRAY)     \
	X(int32, int32_t, VACCEL_ARG_INT32, VACCEL_ARG_INT32_ARRAY)     \
	X(int64, int64_t, VACCEL_ARG_INT64, VACCEL_ARG_INT64_ARRAY)     \
	X(uint8, uint8_t, VACCEL_ARG_UINT8, VACCEL_ARG_UINT8_ARRAY)     \
	X(uint16, uint16_t, VACCEL_ARG_UINT16, VACCEL_ARG_UINT16_ARRAY) \
	X(uint32, uint32_t, VACCEL_ARG_UINT32, VACCEL_ARG_UINT32_ARRAY) \
	X(uint64, uint64_t, VACCEL_ARG_UINT64, VACCEL_ARG_UINT64_ARRAY) \
	X(float, float, VACCEL_ARG_FLOAT32, VACCEL_ARG_FLOAT32_ARRAY)   \
	X(double, double, VACCEL_ARG_FLOAT64, VACCEL_ARG_FLOAT64_ARRAY) \
	X(bool, bool, VACCEL_ARG_BOOL, VACCEL_ARG_BOOL_ARRAY)           \
	X(char, char, VACCEL_ARG_CHAR, VACCEL_ARG_CHAR_ARRAY)           \
	X(uchar, unsigned char, VACCEL_ARG_UCHAR, VACCEL_ARG_UCHAR_ARRAY)

/* One argument: `size` bytes at `buf`. */
struct vaccel_arg {
	void *buf;
	size_t size;
	vaccel_arg_type_t type;
	/* meaningful when type == VACCEL_ARG_CUSTOM (or serialized args) */
	uint32_t custom_type_id;
	/* true if `buf` was allocated by the API and is freed on release */
	bool owned;
};

/* Copying / borrowing initializers and their heap variants. */
int vaccel_arg_init(struct vaccel_arg *arg, const void *buf, size_t size,
		    vaccel_arg_type_t type, uint32_t custom_id);
int vaccel_arg_init_from_buf(struct vaccel_arg *arg, void *buf, size_t size,
			     vaccel_arg_type_t type, uint32_t custom_id);
int vaccel_arg_release(struct vaccel_arg *arg);
int vaccel_arg_new(struct vaccel_arg **arg, const void *buf, size_t size,
		   vaccel_arg_type_t type, uint32_t custom_id);
int vaccel_arg_from_buf(struct vaccel_arg **arg, void *buf, size_t size,
			vaccel_arg_type_t type, uint32_t custom_id);
int vaccel_arg_delete(struct vaccel_arg *arg);

/* A growable array of args with a read/write cursor (`position`).
 * add_* append at `count`; get_* read the arg at `position` and advance;
 * set_* write into the (pre-sized) arg at `position` and advance. */
struct vaccel_arg_array {
	struct vaccel_arg *args;
	size_t count;
	size_t capacity;
	size_t position;
	/* true if `args` was allocated by the API (array can grow) */
	bool owned;
};

typedef bool (*vaccel_arg_type_validator_fn)(const void *buf, size_t size,
					     uint32_t custom_id);
/* Serializer: allocate (malloc) *buf holding the encoding of data. */
typedef int (*vaccel_arg_serializer_fn)(const void *data, size_t data_size,
					uint32_t custom_id, void **buf,
					size_t *size);
/* Deserializer: decode buf into data (data_size bytes available). */
typedef int (*vaccel_arg_deserializer_fn)(const void *buf, size_t size,
					  uint32_t custom_id, size_t data_size,
					  void *data);

int vaccel_arg_array_init(struct vaccel_arg_array *array,
			  size_t initial_capacity);
int vaccel_arg_array_release(struct vaccel_arg_array *array);
int vaccel_arg_array_new(struct vaccel_arg_array **array,
			 size_t initial_capacity);
int vaccel_arg_array_delete(struct vaccel_arg_array *array);
/* Wrap caller-owned args (fixed capacity == count). */
int vaccel_arg_array_wrap(struct vaccel_arg_array *array,
			  struct vaccel_arg *args, size_t count);
/* Free owned arg data and reset count/position (keeps the storage). */
void vaccel_arg_array_clear(struct vaccel_arg_array *array);

/* Add: the arg borrows `value`/`values` (no copy), so they must outlive the
 * array; output args are added the same way. */
int vaccel_arg_array_add_raw(struct vaccel_arg_array *array, void *buf,
			     size_t size);
#define VACCEL_ARG_ARRAY_DECLARE_ADD_FUNCS(NAME, CTYPE, SCALAR, ARRAY)     \
	int vaccel_arg_array_add_##NAME(struct vaccel_arg_array *array,    \
					CTYPE *value);                     \
	int vaccel_arg_array_add_##NAME##_array(                           \
		struct vaccel_arg_array *array, CTYPE *values, size_t count);
VACCEL_ARG_NUMERIC_TYPES(VACCEL_ARG_ARRAY_DECLARE_ADD_FUNCS)
int vaccel_arg_array_add_string(struct vaccel_arg_array *array, char *str);
int vaccel_arg_array_add_buffer(struct vaccel_arg_array *array, void *buf,
				size_t size);
int vaccel_arg_array_add_custom(struct vaccel_arg_array *array,
				uint32_t custom_id, void *buf, size_t size,
				vaccel_arg_type_validator_fn validator);
/* Serialize `data` with `serializer`; the encoding is owned by the array. */
int vaccel_arg_array_add_serialized(struct vaccel_arg_array *array,
				    vaccel_arg_type_t type, uint32_t custom_id,
				    const void *data, size_t data_size,
				    vaccel_arg_serializer_fn serializer);
int vaccel_arg_array_add_range(struct vaccel_arg_array *dest,
			       const struct vaccel_arg_array *src,
			       size_t start_idx, size_t count, bool copy);
int vaccel_arg_array_add_remaining(struct vaccel_arg_array *dest,
				   const struct vaccel_arg_array *src,
				   bool copy);
int vaccel_arg_array_add_all(struct vaccel_arg_array *dest,
			     const struct vaccel_arg_array *src, bool copy);

/* Get: scalars are copied out; arrays/strings/buffers are returned as
 * pointers into the arg. Type and size are checked (VACCEL_EINVAL). */
int vaccel_arg_array_get_raw(struct vaccel_arg_array *array, void **buf,
			     size_t *size);
#define VACCEL_ARG_ARRAY_DECLARE_GET_FUNCS(NAME, CTYPE, SCALAR, ARRAY)     \
	int vaccel_arg_array_get_##NAME(struct vaccel_arg_array *array,    \
					CTYPE *value);                     \
	int vaccel_arg_array_get_##NAME##_array(                           \
		struct vaccel_arg_array *array, CTYPE **values, size_t *count);
VACCEL_ARG_NUMERIC_TYPES(VACCEL_ARG_ARRAY_DECLARE_GET_FUNCS)
int vaccel_arg_array_get_string(struct vaccel_arg_array *array, char **str);
int vaccel_arg_array_get_buffer(struct vaccel_arg_array *array, void **buf,
				size_t *size);
int vaccel_arg_array_get_custom(struct vaccel_arg_array *array,
				uint32_t expected_id, void **buf, size_t *size,
				vaccel_arg_type_validator_fn validator);
int vaccel_arg_array_get_serialized(struct vaccel_arg_array *array,
				    vaccel_arg_type_t expected_type,
				    uint32_t expected_custom_id, void *data,
				    size_t expected_size,
				    vaccel_arg_deserializer_fn deserializer);

/* Set: copy into the existing arg's buffer; the value must fit
 * (VACCEL_EINVAL / VACCEL_ENOSPC otherwise). */
int vaccel_arg_array_set_raw(struct vaccel_arg_array *array, void *buf,
			     size_t size);
#define VACCEL_ARG_ARRAY_DECLARE_SET_FUNCS(NAME, CTYPE, SCALAR, ARRAY)     \
	int vaccel_arg_array_set_##NAME(struct vaccel_arg_array *array,    \
					CTYPE *value);                     \
	int vaccel_arg_array_set_##NAME##_array(                           \
		struct vaccel_arg_array *array, CTYPE *values, size_t count);
VACCEL_ARG_NUMERIC_TYPES(VACCEL_ARG_ARRAY_DECLARE_SET_FUNCS)
int vaccel_arg_array_set_string(struct vaccel_arg_array *array, char *str);
int vaccel_arg_array_set_buffer(struct vaccel_arg_array *array, void *buf,
				size_t size);
int vaccel_arg_array_set_custom(struct vaccel_arg_array *array,
				uint32_t expected_id, void *buf, size_t size,
				vaccel_arg_type_validator_fn validator);
int vaccel_arg_array_set_serialized(struct vaccel_arg_array *array,
				    vaccel_arg_type_t expected_type,
				    uint32_t expected_custom_id, void *data,
				    size_t data_size,
				    vaccel_arg_serializer_fn serializer);

int vaccel_arg_array_get_remaining(struct vaccel_arg_array *array,
				   struct vaccel_arg **args, size_t *count);
size_t vaccel_arg_array_remaining_count(const struct vaccel_arg_array *array);
size_t vaccel_arg_array_position(const struct vaccel_arg_array *array);
void vaccel_arg_array_set_position(struct vaccel_arg_array *array,
				   size_t position);
void vaccel_arg_array_reset_position(struct vaccel_arg_array *array);
size_t vaccel_arg_array_count(const struct vaccel_arg_array *array);
struct vaccel_arg *vaccel_arg_array_raw(struct vaccel_arg_array *array);

/* Deprecated 0.6/0.7 arg-list API, kept because plugins and exec libraries
 * written for it (e.g. upstream's mytestlib) still use it. */
struct vaccel_arg_list {
	uint32_t size;
	struct vaccel_arg *list;
	int curr_idx;
	int *idcs_allocated_space;
};

struct vaccel_arg_list *vaccel_args_init(uint32_t size);
int vaccel_add_serial_arg(struct vaccel_arg_list *args, void *buf,
			  uint32_t size);
int vaccel_add_nonserial_arg(struct vaccel_arg_list *args, void *buf,
			     uint32_t type,
			     void *(*serializer)(void *, uint32_t *));
int vaccel_expect_serial_arg(struct vaccel_arg_list *args, void *buf,
			     uint32_t size);
int vaccel_expect_nonserial_arg(struct vaccel_arg_list *args,
				uint32_t expected_size);
void *vaccel_extract_serial_arg(struct vaccel_arg *args, int idx);
void *vaccel_extract_nonserial_arg(struct vaccel_arg *args, int idx,
				   void *(*deserializer)(void *, uint32_t));
int vaccel_write_serial_arg(struct vaccel_arg *args, int idx, void *buf);
int vaccel_write_nonserial_arg(struct vaccel_arg *args, int idx, void *buf,
			       void *(*serializer)(void *, uint32_t *));
int vaccel_delete_args(struct vaccel_arg_list *args);

#ifdef __cplusplus
}
#endif

#endif
