// Tables and validators of the protocol library (virtio-accel-spec/lib).
#include <gtest/gtest.h>
#include <virtio_accel_proto.h>

#include <cerrno>
#include <cstring>
#include <string>

TEST(ProtoOps, TableCoversEveryOpWithItsName) {
  EXPECT_EQ(va_op_info(0), nullptr);
  EXPECT_EQ(va_op_info(VIRTIO_ACCEL_OP_MAX + 1), nullptr);
  for (uint32_t op = 1; op <= VIRTIO_ACCEL_OP_MAX; op++) ASSERT_NE(va_op_info(op), nullptr) << op;
  EXPECT_STREQ(va_op_name(VIRTIO_ACCEL_OP_SGEMM), "SGEMM");
  EXPECT_STREQ(va_op_name(VIRTIO_ACCEL_OP_TORCH_SGEMM), "TORCH_SGEMM");
  EXPECT_STREQ(va_op_name(200), "UNKNOWN");
  const struct va_op_info *s = va_op_info(VIRTIO_ACCEL_OP_SGEMM);
  EXPECT_EQ(s->nr_in, 4);
  EXPECT_EQ(s->nr_out, 1);
  EXPECT_EQ(s->params_size, sizeof(virtio_accel_sgemm_params));
  EXPECT_EQ(va_op_info(VIRTIO_ACCEL_OP_TORCH_MODEL_LOAD)->resource,
            uint32_t{VIRTIO_ACCEL_RES_MODEL});
  EXPECT_EQ(va_op_info(VIRTIO_ACCEL_OP_EXEC)->nr_in, VA_VAR);
}

TEST(ProtoStatus, NamesAndErrors) {
  EXPECT_STREQ(va_status_name(VIRTIO_ACCEL_S_NO_SESSION), "NO_SESSION");
  EXPECT_STREQ(va_status_name(99), "UNKNOWN");
  EXPECT_EQ(va_status_error(VIRTIO_ACCEL_S_OK, 0), 0);
  EXPECT_EQ(va_status_error(VIRTIO_ACCEL_S_NO_SESSION, 0), ECONNRESET);
  EXPECT_EQ(va_status_error(VIRTIO_ACCEL_S_OP_FAILED, ENOEXEC), ENOEXEC);
  EXPECT_EQ(va_status_error(VIRTIO_ACCEL_S_OP_FAILED, 0), EPROTO);
  EXPECT_EQ(va_status_error(VIRTIO_ACCEL_S_DENIED, 0), EPERM);
  EXPECT_EQ(va_status_error(1234, 0), EIO);
}

TEST(ProtoValidate, MatrixBytesAndDimLimit) {
  uint64_t b = 0;
  ASSERT_TRUE(va_matrix_bytes(3, 4, 10, &b));
  EXPECT_EQ(b, (2u * 10 + 4) * 4);
  EXPECT_FALSE(va_matrix_bytes(3, 4, 3, &b));
  const int64_t max = static_cast<int64_t>(VIRTIO_ACCEL_MAX_DIM);
  EXPECT_TRUE(va_matrix_bytes(1, max, max, &b));
  EXPECT_FALSE(va_matrix_bytes(1, max + 1, max + 1, &b));
  EXPECT_TRUE(va_sgemm_c_has_gaps(2, 2, 3));
  EXPECT_FALSE(va_sgemm_c_has_gaps(1, 2, 3));
}

TEST(ProtoValidate, BlobNamesAndExecStrings) {
  EXPECT_TRUE(va_blob_name_valid_str("model-1.pt"));
  EXPECT_FALSE(va_blob_name_valid_str("."));
  EXPECT_FALSE(va_blob_name_valid_str(".."));
  EXPECT_TRUE(va_blob_name_valid_str("..."));
  EXPECT_FALSE(va_blob_name_valid_str("a/b"));
  EXPECT_FALSE(va_blob_name_valid_str(""));
  EXPECT_FALSE(va_blob_name_valid_str(nullptr));
  EXPECT_TRUE(va_blob_name_valid_str(std::string(255, 'a').c_str()));
  EXPECT_FALSE(va_blob_name_valid_str(std::string(256, 'a').c_str()));
  EXPECT_FALSE(va_blob_name_valid("a\0b", 3));
  EXPECT_EQ(va_exec_string_len("lib.so"), 6u);
  EXPECT_EQ(va_exec_string_len(""), 0u);
  EXPECT_EQ(va_exec_string_len(std::string(4096, 'x').c_str()), 4096u);
  EXPECT_EQ(va_exec_string_len(std::string(4097, 'x').c_str()), 0u);
}

TEST(ProtoLayout, ModelRunIndicesPartitionTheLists) {
  const va_model_layout l{3, 2};
  EXPECT_EQ(va_model_nr_in(l), 2u + 9 + 2);
  EXPECT_EQ(va_model_nr_out(l), 4u);
  // every input index is used exactly once
  std::vector<int> seen(va_model_nr_in(l));
  seen[VA_MODEL_IN_PARAMS]++;
  seen[VA_MODEL_IN_OPTIONS]++;
  for (uint32_t i = 0; i < l.nr_inputs; i++) {
    seen[va_model_in_node(i)]++;
    seen[va_model_in_desc(i)]++;
    seen[va_model_in_data(i)]++;
  }
  for (uint32_t j = 0; j < l.nr_outputs; j++) seen[va_model_out_node(l, j)]++;
  for (int s : seen) EXPECT_EQ(s, 1);
  EXPECT_EQ(va_torch_sgemm_data(2) + 1, uint32_t{va_op_info(VIRTIO_ACCEL_OP_TORCH_SGEMM)->nr_in});
}

TEST(ProtoEncode, FullArraysAreReportedNotOverrun) {
  va_arg_ref in[2], out[1];
  va_run r;
  va_run_init(&r, in, 2, out, 1);
  float a[4] = {}, b[4] = {}, c[4] = {};
  EXPECT_EQ(va_encode_sgemm(&r, 2, 2, 2, 1, a, 2, b, 2, 0, c, 2), E2BIG);
  EXPECT_EQ(r.nr_in, 2u);
  uint8_t buf[512];
  uint64_t wlen;
  EXPECT_EQ(va_frame_run(buf, sizeof buf, 1, 1, &r, &wlen), 0u);  // sticky error
}

TEST(ProtoEncode, TensorDescRejectsBadShapes) {
  virtio_accel_tensor_desc d;
  int64_t dims[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1};
  EXPECT_EQ(va_tensor_desc_fill(&d, 7, 9, dims), EINVAL);
  int64_t neg[1] = {-1};
  EXPECT_EQ(va_tensor_desc_fill(&d, 7, 1, neg), EINVAL);
  int64_t big[1] = {static_cast<int64_t>(VIRTIO_ACCEL_MAX_DIM) + 1};
  EXPECT_EQ(va_tensor_desc_fill(&d, 7, 1, big), EINVAL);
}

TEST(ProtoParse, ResponseHeaderChecks) {
  virtio_accel_resp_hdr h{};
  h.status = VIRTIO_ACCEL_S_BAD_ARGS;
  h.request_id = 9;
  uint32_t st, det;
  EXPECT_EQ(va_parse_resp(&h, 24, 9, 0, &st, &det), 0);
  EXPECT_EQ(st, uint32_t{VIRTIO_ACCEL_S_BAD_ARGS});
  EXPECT_EQ(va_parse_resp(&h, 23, 9, 0, &st, &det), EIO);  // short
  EXPECT_EQ(va_parse_resp(&h, 24, 8, 0, &st, &det), EIO);  // other request
  h.payload_len = 8;
  EXPECT_EQ(va_parse_resp(&h, 24, 9, 8, &st, &det), EIO);  // length disagrees
  EXPECT_EQ(va_parse_resp(&h, 32, 9, 4, &st, &det), EIO);  // more than expected
  EXPECT_EQ(va_parse_resp(&h, 32, 9, 8, &st, &det), 0);
}
