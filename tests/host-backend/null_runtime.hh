// A runtime that does nothing and succeeds: isolates the engine's own cost
// (decode, validation, dispatch) in benchmarks and the fuzzer.
#pragma once

#include "runtime.hh"

namespace va::test {

class NullRuntime final : public Runtime {
 public:
  void *session_create(uint32_t, int *) override { return &token_; }
  void session_destroy(void *) override {}
  void *resource_create(void *, uint32_t, std::span<const BlobBuf>, int *) override {
    return &token_;
  }
  void resource_destroy(void *, void *) override {}
  OpResult run(void *, const OpCall &c) override {
    last_in = c.in.empty() ? nullptr : c.in[0].data;
    return {0, "null"};
  }
  uint64_t supported_ops() const override { return ~0ull; }
  const uint8_t *last_in = nullptr;

 private:
  int token_ = 0;
};

}  // namespace va::test
