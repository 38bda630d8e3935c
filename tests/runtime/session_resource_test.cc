// SPDX-License-Identifier: Apache-2.0
// Sessions and resources, including error paths.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>

#include "helpers.hh"

namespace {

struct TmpDir {
  std::string path;
  TmpDir() {
    char t[] = "/tmp/vaccel-rt-XXXXXX";
    path = mkdtemp(t);
  }
  ~TmpDir() { std::system(("rm -rf " + path).c_str()); }
  std::string file(const std::string &name, const std::string &content) {
    std::string p = path + "/" + name;
    std::ofstream(p) << content;
    return p;
  }
};

class SessRes : public Runtime {
 protected:
  void SetUp() override { ASSERT_EQ(boot(RT_NOOP), VACCEL_OK); }
};

}  // namespace

TEST_F(SessRes, SessionLifecycle) {
  vaccel_session a{}, b{};
  ASSERT_EQ(vaccel_session_init(&a, 0), VACCEL_OK);
  ASSERT_EQ(vaccel_session_init(&b, VACCEL_PLUGIN_CPU), VACCEL_OK);
  EXPECT_GT(a.id, 0);
  EXPECT_NE(a.id, b.id);
  EXPECT_EQ(b.hint, static_cast<unsigned>(VACCEL_PLUGIN_CPU));
  EXPECT_FALSE(a.is_virtio);
  vaccel_session *found = nullptr;
  ASSERT_EQ(vaccel_session_get_by_id(&found, b.id), VACCEL_OK);
  EXPECT_EQ(found, &b);
  EXPECT_EQ(vaccel_session_release(&a), VACCEL_OK);
  EXPECT_EQ(a.id, 0);
  EXPECT_EQ(vaccel_session_release(&a), VACCEL_ESESS);
  EXPECT_EQ(vaccel_session_get_by_id(&found, 987654), VACCEL_ENOENT);
  EXPECT_EQ(vaccel_sess_free(&b), VACCEL_OK);

  vaccel_session *n = nullptr;
  ASSERT_EQ(vaccel_session_new(&n, 0), VACCEL_OK);
  EXPECT_EQ(vaccel_noop(n), VACCEL_OK);
  EXPECT_EQ(vaccel_session_delete(n), VACCEL_OK);
  ASSERT_EQ(vaccel_sess_init(&a, 0), VACCEL_OK);
  EXPECT_EQ(vaccel_sess_update(&a, VACCEL_PLUGIN_GPU), VACCEL_OK);
  EXPECT_EQ(a.hint, static_cast<unsigned>(VACCEL_PLUGIN_GPU));
  EXPECT_EQ(vaccel_session_release(&a), VACCEL_OK);
}

TEST_F(SessRes, SessionErrorPaths) {
  EXPECT_EQ(vaccel_session_init(nullptr, 0), VACCEL_EINVAL);
  EXPECT_EQ(vaccel_session_release(nullptr), VACCEL_EINVAL);
  EXPECT_EQ(vaccel_session_update(nullptr, 0), VACCEL_EINVAL);
  EXPECT_EQ(vaccel_session_new(nullptr, 0), VACCEL_EINVAL);
  EXPECT_EQ(vaccel_session_delete(nullptr), VACCEL_EINVAL);
  EXPECT_EQ(vaccel_session_get_by_id(nullptr, 1), VACCEL_EINVAL);
  // a never-initialized or forged session is rejected by every entry
  vaccel_session forged{};
  forged.id = 424242;
  EXPECT_EQ(vaccel_noop(&forged), VACCEL_ESESS);
  EXPECT_EQ(vaccel_session_update(&forged, 0), VACCEL_ESESS);
  // a copy of a live session is not the session
  Session s;
  vaccel_session copy = s.s;
  EXPECT_EQ(vaccel_noop(&copy), VACCEL_ESESS);
  EXPECT_EQ(vaccel_noop(&s), VACCEL_OK);
  EXPECT_EQ(vaccel_session_update(&s, VACCEL_PLUGIN_REMOTE), VACCEL_EINVAL);
}

TEST_F(SessRes, ResourceFromFileRegisterUnregister) {
  TmpDir d;
  std::string p = d.file("lib.so", "0123456789");
  vaccel_resource r;
  ASSERT_EQ(vaccel_resource_init(&r, p.c_str(), VACCEL_RESOURCE_LIB), VACCEL_OK);
  EXPECT_GT(r.id, 0);
  EXPECT_EQ(r.type, VACCEL_RESOURCE_LIB);
  EXPECT_EQ(r.path_type, VACCEL_PATH_LOCAL_FILE);
  // as upstream: blobs are made when the resource is first registered
  EXPECT_EQ(r.blobs, nullptr);
  {
    Session s0;
    ASSERT_EQ(vaccel_resource_register(&r, &s0), VACCEL_OK);
    ASSERT_EQ(vaccel_resource_unregister(&r, &s0), VACCEL_OK);
  }
  ASSERT_EQ(r.nr_blobs, 1u);
  EXPECT_STREQ(r.blobs[0]->name, "lib.so");
  EXPECT_EQ(r.blobs[0]->size, 0u);  // as upstream: read on demand
  size_t sz = 0;
  uint8_t *data = vaccel_blob_data(r.blobs[0], &sz);
  ASSERT_NE(data, nullptr);
  EXPECT_EQ(std::string(reinterpret_cast<char *>(data), sz), "0123456789");
  char *path = vaccel_resource_get_path(&r);
  EXPECT_EQ(std::string(path), p);
  free(path);

  Session s1, s2;
  EXPECT_FALSE(vaccel_session_has_resource(&s1, &r));
  ASSERT_EQ(vaccel_resource_register(&r, &s1), VACCEL_OK);
  ASSERT_EQ(vaccel_resource_register(&r, &s2), VACCEL_OK);
  EXPECT_EQ(vaccel_resource_register(&r, &s1), VACCEL_OK);  // no-op, as upstream
  EXPECT_EQ(vaccel_resource_refcount(&r), 2);
  EXPECT_TRUE(vaccel_session_has_resource(&s1, &r));
  EXPECT_TRUE(vaccel_sess_has_resource(&s2, &r));
  vaccel_resource *found = nullptr;
  EXPECT_EQ(vaccel_session_resource_by_id(&s1, &found, r.id), VACCEL_OK);
  EXPECT_EQ(found, &r);
  EXPECT_EQ(vaccel_session_resource_by_type(&s1, &found, VACCEL_RESOURCE_LIB), VACCEL_OK);
  EXPECT_EQ(vaccel_session_resource_by_type(&s1, &found, VACCEL_RESOURCE_MODEL), VACCEL_ENOENT);
  vaccel_resource **all = nullptr;
  size_t n = 0;
  EXPECT_EQ(vaccel_session_resources_by_type(&s2, &all, &n, VACCEL_RESOURCE_LIB), VACCEL_OK);
  EXPECT_EQ(n, 1u);
  free(all);
  EXPECT_EQ(vaccel_resource_get_by_id(&found, r.id), VACCEL_OK);
  EXPECT_EQ(vaccel_resource_get_by_type(&found, VACCEL_RESOURCE_LIB), VACCEL_OK);
  EXPECT_EQ(vaccel_resource_get_all_by_type(&all, &n, VACCEL_RESOURCE_LIB), VACCEL_OK);
  free(all);
  // as upstream: only in-memory (BUFFER) resources can be synchronized
  EXPECT_EQ(vaccel_resource_sync(&r, &s1), VACCEL_EINVAL);

  ASSERT_EQ(vaccel_resource_unregister(&r, &s1), VACCEL_OK);
  EXPECT_EQ(vaccel_resource_unregister(&r, &s1), VACCEL_EINVAL);
  EXPECT_EQ(vaccel_resource_sync(&r, &s1), VACCEL_EPERM);
  EXPECT_EQ(vaccel_resource_refcount(&r), 1);
  // releasing a session drops its registrations
  ASSERT_EQ(vaccel_session_release(&s2.s), VACCEL_OK);
  EXPECT_EQ(vaccel_resource_refcount(&r), 0);
  // as upstream, releasing a registered resource unregisters it first
  ASSERT_EQ(vaccel_resource_register(&r, &s1), VACCEL_OK);
  EXPECT_EQ(vaccel_resource_release(&r), VACCEL_OK);
  EXPECT_FALSE(vaccel_session_has_resource(&s1, &r));
  EXPECT_EQ(vaccel_resource_release(&r), VACCEL_EINVAL);
}

TEST_F(SessRes, ResourceFromDirectoryAndMulti) {
  TmpDir d;
  d.file("b.txt", "bb");
  mkdir((d.path + "/sub").c_str(), 0700);
  d.file("sub/a.txt", "a");
  vaccel_resource r;
  ASSERT_EQ(vaccel_resource_init(&r, d.path.c_str(), VACCEL_RESOURCE_MODEL), VACCEL_OK);
  EXPECT_EQ(r.path_type, VACCEL_PATH_LOCAL_DIR);
  {
    Session s0;
    ASSERT_EQ(vaccel_resource_register(&r, &s0), VACCEL_OK);
    ASSERT_EQ(vaccel_resource_unregister(&r, &s0), VACCEL_OK);
  }
  ASSERT_EQ(r.nr_blobs, 2u);
  EXPECT_STREQ(r.blobs[0]->name, "b.txt");
  EXPECT_STREQ(r.blobs[1]->name, "sub/a.txt");
  char *dir = nullptr;
  ASSERT_EQ(vaccel_resource_directory(&r, nullptr, 0, &dir), VACCEL_OK);
  EXPECT_EQ(std::string(dir), d.path);
  free(dir);
  char small[4];
  EXPECT_EQ(vaccel_resource_directory(&r, small, sizeof(small), nullptr), VACCEL_EINVAL);
  EXPECT_EQ(vaccel_resource_release(&r), VACCEL_OK);

  std::string p1 = d.file("x", "1"), p2 = d.file("y", "22");
  const char *paths[] = {p1.c_str(), p2.c_str()};
  vaccel_resource *m = nullptr;
  ASSERT_EQ(vaccel_resource_multi_new(&m, paths, 2, VACCEL_RESOURCE_DATA), VACCEL_OK);
  EXPECT_EQ(m->nr_paths, 2u);
  EXPECT_EQ(m->nr_blobs, 0u);  // until registered
  EXPECT_EQ(vaccel_resource_directory(m, nullptr, 0, &dir), VACCEL_ENOTDIR);
  EXPECT_EQ(vaccel_resource_delete(m), VACCEL_OK);
  const char *bad[] = {p1.c_str(), "/nonexistent/z"};
  vaccel_resource r2;
  EXPECT_EQ(vaccel_resource_init_multi(&r2, bad, 2, VACCEL_RESOURCE_DATA), VACCEL_EINVAL);
  EXPECT_EQ(r2.paths, nullptr);
}

TEST_F(SessRes, ResourceFromBufferAndBlobs) {
  const char bytes[] = "payload";
  vaccel_resource mem, file;
  ASSERT_EQ(vaccel_resource_init_from_buf(&mem, bytes, 7, VACCEL_RESOURCE_DATA, "p.bin", true),
            VACCEL_OK);
  EXPECT_EQ(mem.blobs[0]->type, VACCEL_BLOB_BUFFER);
  EXPECT_EQ(mem.blobs[0]->path, nullptr);
  EXPECT_EQ(memcmp(mem.blobs[0]->data, bytes, 7), 0);
  ASSERT_EQ(vaccel_resource_init_from_buf(&file, bytes, 7, VACCEL_RESOURCE_DATA, "p.bin", false),
            VACCEL_OK);
  ASSERT_NE(file.blobs[0]->path, nullptr);
  std::string persisted = file.blobs[0]->path;
  EXPECT_EQ(access(persisted.c_str(), R_OK), 0);

  const vaccel_blob *srcs[] = {mem.blobs[0], file.blobs[0]};
  vaccel_resource *fb = nullptr;
  ASSERT_EQ(vaccel_resource_from_blobs(&fb, srcs, 2, VACCEL_RESOURCE_MODEL), VACCEL_OK);
  ASSERT_EQ(fb->nr_blobs, 2u);
  // as upstream: a memory-only blob that does not own its data is shared
  EXPECT_EQ(fb->blobs[0]->data, mem.blobs[0]->data);
  EXPECT_EQ(memcmp(fb->blobs[0]->data, bytes, 7), 0);
  EXPECT_EQ(vaccel_resource_delete(fb), VACCEL_OK);

  EXPECT_EQ(vaccel_resource_release(&mem), VACCEL_OK);
  EXPECT_EQ(vaccel_resource_release(&file), VACCEL_OK);
  EXPECT_NE(access(persisted.c_str(), F_OK), 0);  // file removed with it

  vaccel_resource *r = nullptr;
  ASSERT_EQ(vaccel_resource_from_buf(&r, bytes, 7, VACCEL_RESOURCE_LIB, nullptr, true), VACCEL_OK);
  EXPECT_STREQ(r->blobs[0]->name, "file");
  EXPECT_EQ(vaccel_resource_delete(r), VACCEL_OK);
}

TEST_F(SessRes, ResourceErrorPaths) {
  vaccel_resource r;
  EXPECT_EQ(vaccel_resource_init(nullptr, "/tmp", VACCEL_RESOURCE_DATA), VACCEL_EINVAL);
  EXPECT_EQ(vaccel_resource_init(&r, nullptr, VACCEL_RESOURCE_DATA), VACCEL_EINVAL);
  EXPECT_EQ(vaccel_resource_init(&r, "/nonexistent/file", VACCEL_RESOURCE_DATA), VACCEL_EINVAL);
  EXPECT_EQ(vaccel_resource_init(&r, "/etc/hostname", VACCEL_RESOURCE_MAX), VACCEL_EINVAL);
  EXPECT_EQ(vaccel_resource_init(&r, "https://example.com/m.pt", VACCEL_RESOURCE_MODEL),
            VACCEL_ENOTSUP);
  EXPECT_EQ(vaccel_resource_init_from_buf(&r, nullptr, 4, VACCEL_RESOURCE_DATA, "x", true),
            VACCEL_EINVAL);
  EXPECT_EQ(vaccel_resource_init_from_buf(&r, "abc", 3, VACCEL_RESOURCE_DATA, "../evil", false),
            VACCEL_EINVAL);
  EXPECT_EQ(vaccel_resource_init_from_blobs(&r, nullptr, 1, VACCEL_RESOURCE_DATA), VACCEL_EINVAL);
  EXPECT_EQ(vaccel_resource_new(nullptr, "/tmp", VACCEL_RESOURCE_DATA), VACCEL_EINVAL);
  EXPECT_EQ(vaccel_resource_release(nullptr), VACCEL_EINVAL);
  EXPECT_EQ(vaccel_resource_delete(nullptr), VACCEL_EINVAL);
  vaccel_resource **all = nullptr;
  size_t n = 0;
  EXPECT_EQ(vaccel_resource_get_all_by_type(&all, &n, VACCEL_RESOURCE_MODEL), VACCEL_ENOENT);
  vaccel_resource *f = nullptr;
  EXPECT_EQ(vaccel_resource_get_by_id(&f, 99999), VACCEL_ENOENT);
  EXPECT_EQ(vaccel_resource_refcount(nullptr), -VACCEL_EINVAL);

  // registering an uninitialized resource / with an unknown session
  Session s;
  vaccel_resource never{};
  EXPECT_EQ(vaccel_resource_register(&never, &s), VACCEL_EINVAL);
  ASSERT_EQ(vaccel_resource_init_from_buf(&r, "abc", 3, VACCEL_RESOURCE_DATA, "x", true),
            VACCEL_OK);
  vaccel_session gone{};
  EXPECT_EQ(vaccel_resource_register(&r, &gone), VACCEL_ESESS);
  EXPECT_EQ(vaccel_resource_register(&r, nullptr), VACCEL_EINVAL);
  EXPECT_EQ(vaccel_resource_unregister(&r, &s), VACCEL_EINVAL);
  EXPECT_FALSE(vaccel_session_has_resource(nullptr, &r));
  EXPECT_EQ(vaccel_resource_release(&r), VACCEL_OK);
}

TEST(Blob, Api) {
  vaccel_blob b;
  const uint8_t data[] = {1, 2, 3};
  ASSERT_EQ(vaccel_blob_init_from_buf(&b, data, 3, false, "n", nullptr, false), VACCEL_OK);
  EXPECT_EQ(b.data, data);  // borrowed
  EXPECT_TRUE(vaccel_blob_initialized(&b));
  char dir[] = "/tmp/vaccel-blob-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  ASSERT_EQ(vaccel_blob_persist(&b, dir, "n", true), VACCEL_OK);
  EXPECT_EQ(b.type, VACCEL_BLOB_MAPPED);
  std::string p = vaccel_blob_path(&b);
  EXPECT_EQ(access(p.c_str(), R_OK), 0);
  vaccel_blob *c = nullptr;
  ASSERT_EQ(vaccel_blob_new(&c, p.c_str()), VACCEL_OK);
  EXPECT_EQ(vaccel_blob_read(c), VACCEL_OK);
  EXPECT_EQ(memcmp(c->data, data, 3), 0);
  EXPECT_EQ(vaccel_blob_delete(c), VACCEL_OK);
  EXPECT_EQ(vaccel_blob_release(&b), VACCEL_OK);
  EXPECT_NE(access(p.c_str(), F_OK), 0);
  rmdir(dir);
  EXPECT_EQ(vaccel_blob_init(&b, "/nonexistent"), VACCEL_EINVAL);
  EXPECT_EQ(vaccel_blob_init(&b, "/tmp"), VACCEL_EINVAL);
  EXPECT_EQ(vaccel_blob_from_buf(nullptr, data, 3, true, "x", nullptr, false), VACCEL_EINVAL);
  // a name is only a label for an in-memory blob; a file name must not
  // be a path
  ASSERT_EQ(vaccel_blob_init_from_buf(&b, data, 3, true, "a/b", nullptr, false), VACCEL_OK);
  EXPECT_EQ(vaccel_blob_release(&b), VACCEL_OK);
  EXPECT_EQ(vaccel_blob_init_from_buf(&b, data, 3, true, "a/b", "/tmp", false), VACCEL_EINVAL);
  EXPECT_EQ(vaccel_blob_data(nullptr, nullptr), nullptr);
  EXPECT_FALSE(vaccel_blob_initialized(nullptr));
}
