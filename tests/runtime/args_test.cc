// SPDX-License-Identifier: Apache-2.0
// struct vaccel_arg, the typed arg array and the deprecated arg list.
#include <cstdlib>
#include <cstring>

#include "helpers.hh"

TEST(Arg, InitCopiesAndFromBufBorrows) {
  int v = 5;
  vaccel_arg a;
  ASSERT_EQ(vaccel_arg_init(&a, &v, sizeof(v), VACCEL_ARG_INT32, 0), VACCEL_OK);
  EXPECT_NE(a.buf, &v);
  EXPECT_TRUE(a.owned);
  EXPECT_EQ(*static_cast<int *>(a.buf), 5);
  EXPECT_EQ(vaccel_arg_release(&a), VACCEL_OK);
  ASSERT_EQ(vaccel_arg_init_from_buf(&a, &v, sizeof(v), VACCEL_ARG_CUSTOM, 7), VACCEL_OK);
  EXPECT_EQ(a.buf, &v);
  EXPECT_FALSE(a.owned);
  EXPECT_EQ(a.custom_type_id, 7u);
  vaccel_arg *h = nullptr;
  ASSERT_EQ(vaccel_arg_new(&h, &v, sizeof(v), VACCEL_ARG_RAW, 0), VACCEL_OK);
  EXPECT_EQ(vaccel_arg_delete(h), VACCEL_OK);
  ASSERT_EQ(vaccel_arg_from_buf(&h, &v, sizeof(v), VACCEL_ARG_RAW, 0), VACCEL_OK);
  EXPECT_EQ(vaccel_arg_delete(h), VACCEL_OK);
  EXPECT_EQ(vaccel_arg_init(nullptr, &v, 4, VACCEL_ARG_RAW, 0), VACCEL_EINVAL);
  // As upstream 0.8: NULL buf with a size gives a zeroed owned buffer; a
  // buffer without a size is invalid.
  ASSERT_EQ(vaccel_arg_init(&a, nullptr, 4, VACCEL_ARG_RAW, 0), VACCEL_OK);
  EXPECT_TRUE(a.owned);
  EXPECT_EQ(*static_cast<int *>(a.buf), 0);
  EXPECT_EQ(vaccel_arg_release(&a), VACCEL_OK);
  EXPECT_EQ(a.type, VACCEL_ARG_MAX);
  EXPECT_EQ(vaccel_arg_init(&a, &v, 0, VACCEL_ARG_RAW, 0), VACCEL_EINVAL);
  EXPECT_EQ(vaccel_arg_release(nullptr), VACCEL_EINVAL);
}

TEST(ArgArray, TypedRoundTrip) {
  vaccel_arg_array arr;
  ASSERT_EQ(vaccel_arg_array_init(&arr, 1), VACCEL_OK);  // forces growth
  int8_t i8 = -8;
  uint16_t u16 = 1600;
  int32_t i32 = -32;
  int64_t i64 = 1LL << 40;
  uint64_t u64 = ~0ULL;
  float f = 1.5f;
  double d = 2.25;
  bool bo = true;
  char ch = 'x';
  unsigned char uc = 200;
  float farr[3] = {1, 2, 3};
  char str[] = "hello";
  char buf[4] = {9, 8, 7, 6};
  ASSERT_EQ(vaccel_arg_array_add_int8(&arr, &i8), VACCEL_OK);
  ASSERT_EQ(vaccel_arg_array_add_uint16(&arr, &u16), VACCEL_OK);
  ASSERT_EQ(vaccel_arg_array_add_int32(&arr, &i32), VACCEL_OK);
  ASSERT_EQ(vaccel_arg_array_add_int64(&arr, &i64), VACCEL_OK);
  ASSERT_EQ(vaccel_arg_array_add_uint64(&arr, &u64), VACCEL_OK);
  ASSERT_EQ(vaccel_arg_array_add_float(&arr, &f), VACCEL_OK);
  ASSERT_EQ(vaccel_arg_array_add_double(&arr, &d), VACCEL_OK);
  ASSERT_EQ(vaccel_arg_array_add_bool(&arr, &bo), VACCEL_OK);
  ASSERT_EQ(vaccel_arg_array_add_char(&arr, &ch), VACCEL_OK);
  ASSERT_EQ(vaccel_arg_array_add_uchar(&arr, &uc), VACCEL_OK);
  ASSERT_EQ(vaccel_arg_array_add_float_array(&arr, farr, 3), VACCEL_OK);
  ASSERT_EQ(vaccel_arg_array_add_string(&arr, str), VACCEL_OK);
  ASSERT_EQ(vaccel_arg_array_add_buffer(&arr, buf, 4), VACCEL_OK);
  ASSERT_EQ(vaccel_arg_array_add_raw(&arr, buf, 2), VACCEL_OK);
  EXPECT_EQ(vaccel_arg_array_count(&arr), 14u);
  EXPECT_EQ(arr.args[2].type, VACCEL_ARG_INT32);
  EXPECT_EQ(arr.args[10].type, VACCEL_ARG_FLOAT32_ARRAY);

  int8_t gi8;
  uint16_t gu16;
  int32_t gi32;
  int64_t gi64;
  uint64_t gu64;
  float gf;
  double gd;
  bool gb;
  char gc;
  unsigned char guc;
  float *gfa;
  size_t cnt;
  char *gs;
  void *gbuf;
  size_t gsz;
  // wrong type is refused and does not advance
  EXPECT_EQ(vaccel_arg_array_get_int16(&arr, nullptr), VACCEL_EINVAL);
  int16_t wrong;
  EXPECT_EQ(vaccel_arg_array_get_int16(&arr, &wrong), VACCEL_EINVAL);
  EXPECT_EQ(vaccel_arg_array_position(&arr), 0u);
  ASSERT_EQ(vaccel_arg_array_get_int8(&arr, &gi8), VACCEL_OK);
  ASSERT_EQ(vaccel_arg_array_get_uint16(&arr, &gu16), VACCEL_OK);
  ASSERT_EQ(vaccel_arg_array_get_int32(&arr, &gi32), VACCEL_OK);
  ASSERT_EQ(vaccel_arg_array_get_int64(&arr, &gi64), VACCEL_OK);
  ASSERT_EQ(vaccel_arg_array_get_uint64(&arr, &gu64), VACCEL_OK);
  ASSERT_EQ(vaccel_arg_array_get_float(&arr, &gf), VACCEL_OK);
  ASSERT_EQ(vaccel_arg_array_get_double(&arr, &gd), VACCEL_OK);
  ASSERT_EQ(vaccel_arg_array_get_bool(&arr, &gb), VACCEL_OK);
  ASSERT_EQ(vaccel_arg_array_get_char(&arr, &gc), VACCEL_OK);
  ASSERT_EQ(vaccel_arg_array_get_uchar(&arr, &guc), VACCEL_OK);
  ASSERT_EQ(vaccel_arg_array_get_float_array(&arr, &gfa, &cnt), VACCEL_OK);
  ASSERT_EQ(vaccel_arg_array_get_string(&arr, &gs), VACCEL_OK);
  ASSERT_EQ(vaccel_arg_array_get_buffer(&arr, &gbuf, &gsz), VACCEL_OK);
  EXPECT_EQ(vaccel_arg_array_remaining_count(&arr), 1u);
  ASSERT_EQ(vaccel_arg_array_get_raw(&arr, &gbuf, &gsz), VACCEL_OK);
  EXPECT_EQ(gi8, i8);
  EXPECT_EQ(gu16, u16);
  EXPECT_EQ(gi32, i32);
  EXPECT_EQ(gi64, i64);
  EXPECT_EQ(gu64, u64);
  EXPECT_EQ(gf, f);
  EXPECT_EQ(gd, d);
  EXPECT_EQ(gb, bo);
  EXPECT_EQ(gc, ch);
  EXPECT_EQ(guc, uc);
  EXPECT_EQ(cnt, 3u);
  EXPECT_EQ(gfa, farr);
  EXPECT_STREQ(gs, "hello");
  EXPECT_EQ(gsz, 2u);
  EXPECT_EQ(vaccel_arg_array_get_int8(&arr, &gi8), VACCEL_ERANGE);  // exhausted

  // set writes into the existing (output) args
  vaccel_arg_array_reset_position(&arr);
  int8_t n8 = 100;
  ASSERT_EQ(vaccel_arg_array_set_int8(&arr, &n8), VACCEL_OK);
  EXPECT_EQ(i8, 100);
  vaccel_arg_array_set_position(&arr, 10);
  float nf[3] = {7, 8, 9};
  // fewer elements than the slot holds are fine (as upstream), more not
  float big[4] = {};
  EXPECT_EQ(vaccel_arg_array_set_float_array(&arr, big, 4), VACCEL_EINVAL);
  ASSERT_EQ(vaccel_arg_array_set_float_array(&arr, nf, 2), VACCEL_OK);
  vaccel_arg_array_set_position(&arr, 10);
  ASSERT_EQ(vaccel_arg_array_set_float_array(&arr, nf, 3), VACCEL_OK);
  EXPECT_EQ(farr[2], 9.0f);
  char longer[] = "too long!";
  EXPECT_EQ(vaccel_arg_array_set_string(&arr, longer), VACCEL_EINVAL);
  char shorter[] = "hey";
  ASSERT_EQ(vaccel_arg_array_set_string(&arr, shorter), VACCEL_OK);
  EXPECT_STREQ(str, "hey");
  char nb[4] = {1, 1, 1, 1};
  ASSERT_EQ(vaccel_arg_array_set_buffer(&arr, nb, 4), VACCEL_OK);
  EXPECT_EQ(buf[3], 1);
  ASSERT_EQ(vaccel_arg_array_set_raw(&arr, nb, 2), VACCEL_OK);

  vaccel_arg *rest = nullptr;
  size_t nrest = 0;
  vaccel_arg_array_set_position(&arr, 12);
  ASSERT_EQ(vaccel_arg_array_get_remaining(&arr, &rest, &nrest), VACCEL_OK);
  EXPECT_EQ(nrest, 2u);
  EXPECT_EQ(rest, vaccel_arg_array_raw(&arr) + 12);
  EXPECT_EQ(vaccel_arg_array_release(&arr), VACCEL_OK);
}

namespace {
struct Pair {
  int32_t a, b;
};
int ser(const void *data, size_t size, uint32_t, void **buf, size_t *out) {
  if (size != sizeof(Pair)) return VACCEL_EINVAL;
  auto *p = static_cast<const Pair *>(data);
  auto *b = static_cast<int32_t *>(malloc(8));
  b[0] = p->b;  // swapped on the wire
  b[1] = p->a;
  *buf = b;
  *out = 8;
  return VACCEL_OK;
}
int deser(const void *buf, size_t size, uint32_t, size_t data_size, void *data) {
  if (size != 8 || data_size != sizeof(Pair)) return VACCEL_EINVAL;
  auto *b = static_cast<const int32_t *>(buf);
  auto *p = static_cast<Pair *>(data);
  p->a = b[1];
  p->b = b[0];
  return VACCEL_OK;
}
bool even_size(const void *, size_t size, uint32_t) { return size % 2 == 0; }
}  // namespace

TEST(ArgArray, SerializedCustomAndRanges) {
  vaccel_arg_array *arr = nullptr;
  ASSERT_EQ(vaccel_arg_array_new(&arr, 0), VACCEL_OK);
  Pair p{1, 2};
  ASSERT_EQ(vaccel_arg_array_add_serialized(arr, VACCEL_ARG_CUSTOM, 42, &p, sizeof(p), ser),
            VACCEL_OK);
  EXPECT_TRUE(arr->args[0].owned);
  char c4[4] = {};
  char c3[3] = {};
  EXPECT_EQ(vaccel_arg_array_add_custom(arr, 5, c3, 3, even_size), VACCEL_EINVAL);
  ASSERT_EQ(vaccel_arg_array_add_custom(arr, 5, c4, 4, even_size), VACCEL_OK);

  Pair q{};
  EXPECT_EQ(vaccel_arg_array_get_serialized(arr, VACCEL_ARG_CUSTOM, 41, &q, sizeof(q), deser),
            VACCEL_EINVAL);  // wrong custom id
  ASSERT_EQ(vaccel_arg_array_get_serialized(arr, VACCEL_ARG_CUSTOM, 42, &q, sizeof(q), deser),
            VACCEL_OK);
  EXPECT_EQ(q.a, 1);
  EXPECT_EQ(q.b, 2);
  void *cb;
  size_t cs;
  ASSERT_EQ(vaccel_arg_array_get_custom(arr, 5, &cb, &cs, even_size), VACCEL_OK);
  EXPECT_EQ(cb, c4);

  vaccel_arg_array_reset_position(arr);
  Pair r{10, 20};
  ASSERT_EQ(vaccel_arg_array_set_serialized(arr, VACCEL_ARG_CUSTOM, 42, &r, sizeof(r), ser),
            VACCEL_OK);
  vaccel_arg_array_reset_position(arr);
  ASSERT_EQ(vaccel_arg_array_get_serialized(arr, VACCEL_ARG_CUSTOM, 42, &q, sizeof(q), deser),
            VACCEL_OK);
  EXPECT_EQ(q.a, 10);
  char n4[4] = {1, 2, 3, 4};
  ASSERT_EQ(vaccel_arg_array_set_custom(arr, 5, n4, 4, even_size), VACCEL_OK);
  EXPECT_EQ(c4[3], 4);

  vaccel_arg_array dst;
  ASSERT_EQ(vaccel_arg_array_init(&dst, 0), VACCEL_OK);
  ASSERT_EQ(vaccel_arg_array_add_all(&dst, arr, true), VACCEL_OK);
  EXPECT_EQ(dst.count, 2u);
  EXPECT_NE(dst.args[1].buf, arr->args[1].buf);  // deep copy
  vaccel_arg_array_set_position(arr, 1);
  ASSERT_EQ(vaccel_arg_array_add_remaining(&dst, arr, false), VACCEL_OK);
  EXPECT_EQ(dst.count, 3u);
  EXPECT_EQ(dst.args[2].buf, arr->args[1].buf);
  EXPECT_EQ(vaccel_arg_array_add_range(&dst, arr, 1, 5, false), VACCEL_ERANGE);
  vaccel_arg_array_clear(&dst);
  EXPECT_EQ(dst.count, 0u);
  EXPECT_EQ(vaccel_arg_array_release(&dst), VACCEL_OK);
  EXPECT_EQ(vaccel_arg_array_delete(arr), VACCEL_OK);
}

TEST(ArgArray, WrapIsFixedSizeAndValidatesStrings) {
  char not_terminated[3] = {'a', 'b', 'c'};
  vaccel_arg args[1] = {{not_terminated, 3, VACCEL_ARG_STRING, 0, false}};
  vaccel_arg_array arr;
  ASSERT_EQ(vaccel_arg_array_wrap(&arr, args, 1), VACCEL_OK);
  char *s;
  EXPECT_EQ(vaccel_arg_array_get_string(&arr, &s), VACCEL_EINVAL);
  int v = 1;
  EXPECT_EQ(vaccel_arg_array_add_int32(&arr, &v), VACCEL_ERANGE);
  EXPECT_EQ(vaccel_arg_array_wrap(nullptr, args, 1), VACCEL_EINVAL);
  EXPECT_EQ(vaccel_arg_array_add_int32(nullptr, &v), VACCEL_EINVAL);
  EXPECT_EQ(vaccel_arg_array_add_string(&arr, nullptr), VACCEL_EINVAL);
  EXPECT_EQ(vaccel_arg_array_count(nullptr), 0u);
  EXPECT_EQ(vaccel_arg_array_release(&arr), VACCEL_OK);
}

namespace {
struct Nums {
  uint32_t n;
  int *v;
};
void *ser_old(void *buf, uint32_t *bytes) {
  auto *in = static_cast<Nums *>(buf);
  *bytes = (in->n + 1) * sizeof(int);
  int *out = static_cast<int *>(malloc(*bytes));
  out[0] = static_cast<int>(in->n);
  memcpy(out + 1, in->v, in->n * sizeof(int));
  return out;
}
void *deser_old(void *buf, uint32_t) {
  auto *in = static_cast<int *>(buf);
  auto *n = static_cast<Nums *>(malloc(sizeof(Nums)));
  n->n = static_cast<uint32_t>(in[0]);
  n->v = in + 1;
  return n;
}
}  // namespace

TEST(ArgList, DeprecatedApi) {
  vaccel_arg_list *l = vaccel_args_init(3);
  ASSERT_NE(l, nullptr);
  int in = 21, out = 0;
  int v[2] = {5, 6};
  Nums nums{2, v};
  ASSERT_EQ(vaccel_add_serial_arg(l, &in, sizeof(in)), VACCEL_OK);
  ASSERT_EQ(vaccel_add_nonserial_arg(l, &nums, 0, ser_old), VACCEL_OK);
  ASSERT_EQ(vaccel_expect_serial_arg(l, &out, sizeof(out)), VACCEL_OK);
  EXPECT_EQ(vaccel_expect_nonserial_arg(l, 8), VACCEL_EINVAL);  // full
  EXPECT_EQ(*static_cast<int *>(vaccel_extract_serial_arg(l->list, 0)), 21);
  auto *back = static_cast<Nums *>(vaccel_extract_nonserial_arg(l->list, 1, deser_old));
  ASSERT_NE(back, nullptr);
  EXPECT_EQ(back->n, 2u);
  EXPECT_EQ(back->v[1], 6);
  free(back);
  int doubled = 42;
  ASSERT_EQ(vaccel_write_serial_arg(l->list, 2, &doubled), VACCEL_OK);
  EXPECT_EQ(out, 42);
  EXPECT_EQ(vaccel_write_nonserial_arg(l->list, 2, &nums, ser_old), VACCEL_ENOSPC);
  EXPECT_EQ(vaccel_delete_args(l), VACCEL_OK);
  EXPECT_EQ(vaccel_delete_args(nullptr), VACCEL_EINVAL);
}
