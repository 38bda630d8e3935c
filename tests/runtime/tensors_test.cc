// SPDX-License-Identifier: Apache-2.0
// TF / TFLite / Torch helpers and model ops (served by the noop plugin).
#include <cstdlib>
#include <cstring>

#include "helpers.hh"

TEST(Tensors, TfHelpers) {
  int64_t dims[2] = {2, 3};
  vaccel_tf_tensor *t = nullptr;
  ASSERT_EQ(vaccel_tf_tensor_allocate(&t, 2, dims, VACCEL_TF_FLOAT, 24), VACCEL_OK);
  EXPECT_TRUE(t->owned);
  EXPECT_EQ(t->dims[1], 3);
  void *d;
  size_t sz;
  ASSERT_EQ(vaccel_tf_tensor_take_data(t, &d, &sz), VACCEL_OK);
  EXPECT_EQ(sz, 24u);
  free(d);
  float local[6];
  ASSERT_EQ(vaccel_tf_tensor_set_data(t, local, sizeof(local)), VACCEL_OK);
  EXPECT_FALSE(t->owned);
  EXPECT_EQ(vaccel_tf_tensor_delete(t), VACCEL_OK);
  EXPECT_EQ(vaccel_tf_tensor_new(&t, 2, nullptr, VACCEL_TF_FLOAT), VACCEL_EINVAL);

  vaccel_tf_node *n = nullptr;
  ASSERT_EQ(vaccel_tf_node_new(&n, "serving_default_input", 0), VACCEL_OK);
  EXPECT_STREQ(n->name, "serving_default_input");
  EXPECT_EQ(vaccel_tf_node_delete(n), VACCEL_OK);
  vaccel_tf_status *st = nullptr;
  ASSERT_EQ(vaccel_tf_status_new(&st, 3, "msg"), VACCEL_OK);
  EXPECT_EQ(st->code, 3);
  EXPECT_EQ(vaccel_tf_status_delete(st), VACCEL_OK);
  vaccel_tf_buffer *b = nullptr;
  ASSERT_EQ(vaccel_tf_buffer_new(&b, strdup("opts"), 5), VACCEL_OK);
  ASSERT_EQ(vaccel_tf_buffer_take_data(b, &d, &sz), VACCEL_OK);
  free(d);
  EXPECT_EQ(vaccel_tf_buffer_delete(b), VACCEL_OK);
  EXPECT_EQ(vaccel_tf_buffer_init(nullptr, nullptr, 0), VACCEL_EINVAL);
}

TEST(Tensors, TfliteAndTorchHelpers) {
  int32_t d32[1] = {4};
  vaccel_tflite_tensor *t = nullptr;
  ASSERT_EQ(vaccel_tflite_tensor_allocate(&t, 1, d32, VACCEL_TFLITE_FLOAT32, 16), VACCEL_OK);
  EXPECT_EQ(t->size, 16u);
  EXPECT_EQ(vaccel_tflite_tensor_delete(t), VACCEL_OK);
  int64_t d64[3] = {1, 2, 2};
  vaccel_torch_tensor tt;
  ASSERT_EQ(vaccel_torch_tensor_init(&tt, 3, d64, VACCEL_TORCH_FLOAT), VACCEL_OK);
  EXPECT_EQ(tt.nr_dims, 3);
  EXPECT_EQ(vaccel_torch_tensor_release(&tt), VACCEL_OK);
  vaccel_torch_buffer *b = nullptr;
  ASSERT_EQ(vaccel_torch_buffer_new(&b, strdup("x"), 2), VACCEL_OK);
  EXPECT_EQ(vaccel_torch_buffer_delete(b), VACCEL_OK);
}

TEST_F(Runtime, ModelOpsThroughNoop) {
  ASSERT_EQ(boot(RT_NOOP), VACCEL_OK);
  Session s;
  vaccel_resource m;
  ASSERT_EQ(vaccel_resource_init_from_buf(&m, "model", 5, VACCEL_RESOURCE_MODEL, "model.pb", true),
            VACCEL_OK);
  vaccel_tf_status st{};
  // not registered: refused before reaching the plugin
  EXPECT_EQ(vaccel_tf_model_load(&s, &m, &st), VACCEL_EPERM);
  EXPECT_EQ(vaccel_torch_model_load(&s, &m), VACCEL_EPERM);
  ASSERT_EQ(vaccel_resource_register(&m, &s), VACCEL_OK);
  ASSERT_EQ(vaccel_tf_session_load(&s, &m, &st), VACCEL_OK);
  EXPECT_STREQ(st.message, "Operation handled by noop plugin");
  vaccel_tf_status_release(&st);

  int64_t dims[1] = {2};
  float in_data[2] = {1.5f, 2.5f};
  vaccel_tf_tensor *in = nullptr;
  ASSERT_EQ(vaccel_tf_tensor_new(&in, 1, dims, VACCEL_TF_FLOAT), VACCEL_OK);
  vaccel_tf_tensor_set_data(in, in_data, sizeof(in_data));
  vaccel_tf_node node{const_cast<char *>("x"), 0};
  vaccel_tf_tensor *out = nullptr;
  ASSERT_EQ(vaccel_tf_model_run(&s, &m, nullptr, &node, &in, 1, &node, &out, 1, &st), VACCEL_OK);
  ASSERT_NE(out, nullptr);
  EXPECT_EQ(memcmp(out->data, in_data, sizeof(in_data)), 0);
  vaccel_tf_tensor_delete(out);
  vaccel_tf_status_release(&st);
  EXPECT_EQ(vaccel_tf_model_run(&s, &m, nullptr, nullptr, &in, 1, &node, &out, 1, &st),
            VACCEL_EINVAL);
  ASSERT_EQ(vaccel_tf_session_delete(&s, &m, &st), VACCEL_OK);
  vaccel_tf_status_release(&st);
  vaccel_tf_tensor_delete(in);

  ASSERT_EQ(vaccel_tflite_session_load(&s, &m), VACCEL_OK);
  int32_t d32[1] = {2};
  vaccel_tflite_tensor *li = nullptr, *lo = nullptr;
  ASSERT_EQ(vaccel_tflite_tensor_allocate(&li, 1, d32, VACCEL_TFLITE_FLOAT32, 8), VACCEL_OK);
  uint8_t status = 9;
  ASSERT_EQ(vaccel_tflite_model_run(&s, &m, &li, 1, &lo, 1, &status), VACCEL_OK);
  EXPECT_EQ(status, 0);
  ASSERT_NE(lo, nullptr);
  EXPECT_EQ(lo->size, 8u);
  vaccel_tflite_tensor_delete(lo);
  vaccel_tflite_tensor_delete(li);
  EXPECT_EQ(vaccel_tflite_model_unload(&s, &m), VACCEL_OK);

  ASSERT_EQ(vaccel_torch_model_load(&s, &m), VACCEL_OK);
  int64_t td[2] = {1, 2};
  vaccel_torch_tensor *ti = nullptr, *to = nullptr;
  ASSERT_EQ(vaccel_torch_tensor_allocate(&ti, 2, td, VACCEL_TORCH_FLOAT, 8), VACCEL_OK);
  ASSERT_EQ(vaccel_torch_jitload_forward(&s, &m, nullptr, &ti, 1, &to, 1), VACCEL_OK);
  ASSERT_NE(to, nullptr);
  EXPECT_EQ(to->dims[1], 2);
  vaccel_torch_tensor_delete(to);
  vaccel_torch_tensor *so = nullptr;
  EXPECT_EQ(vaccel_torch_sgemm(&s, &ti, &ti, &ti, 1, 1, 1, &so), VACCEL_OK);
  EXPECT_EQ(vaccel_torch_sgemm(&s, &ti, &ti, &ti, -1, 1, 1, &so), VACCEL_EINVAL);
  vaccel_torch_tensor_delete(ti);

  // a DATA resource is not a model
  vaccel_resource d;
  ASSERT_EQ(vaccel_resource_init_from_buf(&d, "d", 1, VACCEL_RESOURCE_DATA, "d", true), VACCEL_OK);
  ASSERT_EQ(vaccel_resource_register(&d, &s), VACCEL_OK);
  EXPECT_EQ(vaccel_tflite_model_load(&s, &d), VACCEL_EINVAL);
  ASSERT_EQ(vaccel_resource_unregister(&d, &s), VACCEL_OK);
  ASSERT_EQ(vaccel_resource_release(&d), VACCEL_OK);
  ASSERT_EQ(vaccel_resource_unregister(&m, &s), VACCEL_OK);
  ASSERT_EQ(vaccel_resource_release(&m), VACCEL_OK);
}

TEST(Tensors, SetAndTakeDataEverywhere) {
  int32_t d32[1] = {1};
  int64_t d64[1] = {1};
  float v = 3;
  void *d;
  size_t sz;
  vaccel_tflite_tensor lt;
  ASSERT_EQ(vaccel_tflite_tensor_init(&lt, 1, d32, VACCEL_TFLITE_FLOAT32), VACCEL_OK);
  ASSERT_EQ(vaccel_tflite_tensor_set_data(&lt, &v, sizeof(v)), VACCEL_OK);
  ASSERT_EQ(vaccel_tflite_tensor_take_data(&lt, &d, &sz), VACCEL_OK);
  EXPECT_EQ(d, &v);
  EXPECT_EQ(vaccel_tflite_tensor_release(&lt), VACCEL_OK);
  vaccel_tflite_tensor *ltp = nullptr;
  ASSERT_EQ(vaccel_tflite_tensor_new(&ltp, 1, d32, VACCEL_TFLITE_INT8), VACCEL_OK);
  EXPECT_EQ(vaccel_tflite_tensor_delete(ltp), VACCEL_OK);
  vaccel_torch_tensor *tt = nullptr;
  ASSERT_EQ(vaccel_torch_tensor_new(&tt, 1, d64, VACCEL_TORCH_INT), VACCEL_OK);
  ASSERT_EQ(vaccel_torch_tensor_set_data(tt, &v, sizeof(v)), VACCEL_OK);
  ASSERT_EQ(vaccel_torch_tensor_take_data(tt, &d, &sz), VACCEL_OK);
  EXPECT_EQ(sz, sizeof(v));
  EXPECT_EQ(vaccel_torch_tensor_delete(tt), VACCEL_OK);
  vaccel_torch_buffer tb;
  ASSERT_EQ(vaccel_torch_buffer_init(&tb, strdup("abc"), 4), VACCEL_OK);
  ASSERT_EQ(vaccel_torch_buffer_take_data(&tb, &d, &sz), VACCEL_OK);
  free(d);
  EXPECT_EQ(vaccel_torch_buffer_release(&tb), VACCEL_OK);
  vaccel_tf_buffer fb;
  ASSERT_EQ(vaccel_tf_buffer_init(&fb, strdup("x"), 2), VACCEL_OK);
  EXPECT_EQ(vaccel_tf_buffer_release(&fb), VACCEL_OK);
  vaccel_tf_node node;
  ASSERT_EQ(vaccel_tf_node_init(&node, "n", 1), VACCEL_OK);
  EXPECT_EQ(vaccel_tf_node_release(&node), VACCEL_OK);
  vaccel_tf_status st;
  ASSERT_EQ(vaccel_tf_status_init(&st, 1, "m"), VACCEL_OK);
  EXPECT_EQ(vaccel_tf_status_release(&st), VACCEL_OK);
  EXPECT_EQ(vaccel_tflite_tensor_take_data(nullptr, &d, &sz), VACCEL_EINVAL);
  EXPECT_EQ(vaccel_torch_tensor_set_data(nullptr, &v, 4), VACCEL_EINVAL);
  EXPECT_EQ(vaccel_tf_node_init(nullptr, "n", 0), VACCEL_EINVAL);
  EXPECT_EQ(vaccel_tf_status_init(nullptr, 0, "m"), VACCEL_EINVAL);
}
