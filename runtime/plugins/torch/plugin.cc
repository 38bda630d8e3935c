// SPDX-License-Identifier: Apache-2.0
// The torch plugin (libvaccel-torch.so): real inference on Debian's libtorch (CPU) and OpenCV.
//
//   TORCH_MODEL_LOAD / TORCH_MODEL_RUN  TorchScript models given as MODEL resources (by content or
//   by path) TORCH_SGEMM                         out = A x B + C on float32 tensors IMAGE_CLASSIFY
//   a TorchScript ImageNet classifier (upstream's torch plugin semantics:
//                                       out_text = label of the most probable class, e.g. "banana")
//   IMAGE_DETECT                        OpenCV's Haar frontal-face cascade from opencv-data
//   IMAGE_SEGMENT/POSE/DEPTH, TF, TFLITE  VACCEL_ENOTSUP, logging which engine is missing
//
// Configuration (host environment, upstream names where upstream has one):
//   VACCEL_TORCH_LABELS   class names, one per line in class-index order (upstream's variable)
//   VACCEL_TORCH_MODEL    classifier used when the session has no MODEL resource registered (ours:
//   lets a
//                         host preload the model, so a guest need not send it)
//   VACCEL_TORCH_FACE_CASCADE  Haar cascade XML for IMAGE_DETECT
//   VACCEL_TORCH_THREADS  libtorch intra-op threads, and OpenBLAS's (default: libtorch's, one per
//   core)
// See README.md next to this file for the output formats.
#include <unistd.h>
#include <vaccel.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "engine.hh"
#include "image.hh"

#ifndef VA_TORCH_DEFAULT_LABELS
#define VA_TORCH_DEFAULT_LABELS "/usr/share/vaccel/labels/imagenet.txt"
#endif
#ifndef VA_TORCH_DEFAULT_CASCADE
#define VA_TORCH_DEFAULT_CASCADE \
  "/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml"
#endif

namespace {

constexpr int kInputSide = 224;  // classifier input (EfficientNet-Lite0, ResNet, ...: 224x224)
constexpr size_t kTopK = 5;

std::string env_or(const char *name, const char *dflt) {
  const char *v = getenv(name);
  return v && *v ? v : dflt;
}

// Logs, once per thread, the parallelism libtorch will use on it (info level). A device runs ops on
// its own worker threads, a native app on its main thread: this line shows whether both get the
// same setting.
void note_thread() {
  thread_local bool noted = false;
  if (noted) return;
  noted = true;
  vaccel_info("[torch] thread %ld: %s", static_cast<long>(gettid()),
              vtorch::thread_report().c_str());
}

int fail(int ret, const char *op, const std::string &why) {
  vaccel_error("[torch] %s: %s", op, why.c_str());
  return ret;
}

// Loaded models, keyed by resource id (dropped when the resource is unregistered), plus the host's
// default classifier (VACCEL_TORCH_MODEL) keyed by its path.
std::mutex g_mu;
std::map<vaccel_id_t, vtorch::ModelPtr> g_models;
std::map<std::string, vtorch::ModelPtr> g_default;
std::map<std::string, std::vector<std::string>> g_labels;
// MODEL resources registered with each session, in registration order, and why a model failed to
// load.
std::map<vaccel_id_t, std::vector<vaccel_id_t>> g_session_models;
std::map<vaccel_id_t, std::string> g_load_errors;

bool read_file(const std::string &path, std::vector<uint8_t> *out) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return false;
  out->assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
  return !f.bad();
}

// The TorchScript blob of a MODEL resource: its only blob, or the first named *.pt / *.pth / *.ts.
int model_bytes(const vaccel_resource *res, std::vector<uint8_t> *file, const uint8_t **data,
                size_t *size, std::string *err) {
  if (res->type != VACCEL_RESOURCE_MODEL) {
    *err = "resource " + std::to_string(res->id) + " is not a MODEL resource";
    return VACCEL_EINVAL;
  }
  const vaccel_blob *blob = nullptr;
  for (size_t i = 0; i < res->nr_blobs && !blob; i++) {
    const vaccel_blob *b = res->blobs[i];
    std::string n = b && b->name ? b->name : "";
    auto ends = [&](const char *s) {
      return n.size() >= strlen(s) && n.compare(n.size() - strlen(s), strlen(s), s) == 0;
    };
    if (res->nr_blobs == 1 || ends(".pt") || ends(".pth") || ends(".ts")) blob = b;
  }
  if (!blob) {
    *err = "resource " + std::to_string(res->id) + " holds no TorchScript file (*.pt)";
    return VACCEL_EINVAL;
  }
  if (blob->data) {
    *data = blob->data;
    *size = blob->size;
    return VACCEL_OK;
  }
  if (!blob->path || !read_file(blob->path, file)) {
    *err = std::string("cannot read the model file ") + (blob->path ? blob->path : "(none)");
    return VACCEL_EIO;
  }
  *data = file->data();
  *size = file->size();
  return VACCEL_OK;
}

int get_model(const vaccel_resource *res, vtorch::ModelPtr *out, std::string *err) {
  {
    std::lock_guard<std::mutex> lock(g_mu);
    auto it = g_models.find(res->id);
    if (it != g_models.end()) {
      *out = it->second;
      return VACCEL_OK;
    }
  }
  std::vector<uint8_t> file;
  const uint8_t *data = nullptr;
  size_t size = 0;
  int r = model_bytes(res, &file, &data, &size, err);
  if (!r) r = vtorch::load_model(data, size, out, err);
  if (r) {
    *err = "model resource " + std::to_string(res->id) + ": " + *err;
    return r;
  }
  std::lock_guard<std::mutex> lock(g_mu);
  g_models.emplace(res->id, *out);  // a concurrent loader may have won; either copy is fine
  g_load_errors.erase(res->id);
  return VACCEL_OK;
}

// The classifier for a session: its first registered MODEL resource (tracked by the resource hooks
// below, so that no vAccel API call is made from inside an op), else the host default.
int classifier(vaccel_session *sess, vtorch::ModelPtr *out, std::string *err) {
  std::unique_lock<std::mutex> lock(g_mu);
  auto sm = g_session_models.find(sess->id);
  if (sm != g_session_models.end() && !sm->second.empty()) {
    vaccel_id_t id = sm->second.front();
    auto it = g_models.find(id);
    if (it != g_models.end()) {
      *out = it->second;
      return VACCEL_OK;
    }
    auto e = g_load_errors.find(id);
    *err = e != g_load_errors.end() ? e->second
                                    : "model resource " + std::to_string(id) + " not loaded";
    return VACCEL_EINVAL;
  }
  std::string path = env_or("VACCEL_TORCH_MODEL", "");
  if (path.empty()) {
    *err =
        "no model: register a TorchScript MODEL resource with the session, or set "
        "VACCEL_TORCH_MODEL on the host";
    return VACCEL_EINVAL;
  }
  auto it = g_default.find(path);  // loading once is worth holding the lock (~0.1 s)
  if (it != g_default.end()) {
    *out = it->second;
    return VACCEL_OK;
  }
  std::vector<uint8_t> bytes;
  if (!read_file(path, &bytes)) {
    *err = "cannot read VACCEL_TORCH_MODEL=" + path;
    return VACCEL_ENOENT;
  }
  int r = vtorch::load_model(bytes.data(), bytes.size(), out, err);
  if (r) {
    *err = path + ": " + *err;
    return r;
  }
  g_default.emplace(path, *out);
  return VACCEL_OK;
}

int labels(std::vector<std::string> *out, std::string *err) {
  std::string path = env_or("VACCEL_TORCH_LABELS", VA_TORCH_DEFAULT_LABELS);
  std::lock_guard<std::mutex> lock(g_mu);
  auto it = g_labels.find(path);
  if (it == g_labels.end()) {
    std::ifstream f(path);
    if (!f) {
      *err = "cannot open the labels file " + path + " (set VACCEL_TORCH_LABELS)";
      return VACCEL_ENOENT;
    }
    std::vector<std::string> l;
    for (std::string line; std::getline(f, line);) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      l.push_back(line);
    }
    it = g_labels.emplace(path, std::move(l)).first;
  }
  *out = it->second;
  return VACCEL_OK;
}

// Copies `s` into a caller's text buffer of `len` bytes, NUL-terminated, truncating.
void put_text(unsigned char *dst, size_t len, const std::string &s) {
  if (!dst || len == 0) return;
  size_t n = std::min(len - 1, s.size());
  memcpy(dst, s.data(), n);
  dst[n] = '\0';
}

int torch_model_load(vaccel_session *, const vaccel_resource *model) {
  note_thread();
  if (!model) return fail(VACCEL_EINVAL, "model load", "NULL model");
  vtorch::ModelPtr m;
  std::string err;
  int r = get_model(model, &m, &err);
  if (r) return fail(r, "model load", err);
  vaccel_debug("[torch] loaded model resource %lld", static_cast<long long>(model->id));
  return VACCEL_OK;
}

int torch_model_run(vaccel_session *, const vaccel_resource *model, const vaccel_torch_buffer *,
                    vaccel_torch_tensor **in, int nr_in, vaccel_torch_tensor **out, int nr_out) {
  note_thread();
  if (!model) return fail(VACCEL_EINVAL, "model run", "NULL model");
  vtorch::ModelPtr m;
  std::string err;
  int r = get_model(model, &m, &err);
  if (!r) r = vtorch::run_model(*m, in, nr_in, out, nr_out, &err);
  return r ? fail(r, "model run", err) : VACCEL_OK;
}

int torch_sgemm(vaccel_session *, vaccel_torch_tensor **a, vaccel_torch_tensor **b,
                vaccel_torch_tensor **c, int m, int n, int k, vaccel_torch_tensor **out) {
  note_thread();
  if (!a || !b || !c || !out) return fail(VACCEL_EINVAL, "sgemm", "NULL tensor array");
  std::string err;
  int r = vtorch::sgemm(a[0], b[0], c[0], m, n, k, out, &err);
  return r ? fail(r, "sgemm", err) : VACCEL_OK;
}

// out_text: the label of the most probable class (as upstream's torch plugin).
// out_imgname: the top-5 as "label:probability" pairs separated by ';', probabilities with 6
// decimals (upstream writes a placeholder there).
int image_classify(vaccel_session *sess, const void *img, unsigned char *out_text,
                   unsigned char *out_imgname, size_t len_img, size_t len_out_text,
                   size_t len_out_imgname) {
  note_thread();
  std::string err;
  std::vector<float> chw;
  int r = vimage::preprocess(static_cast<const uint8_t *>(img), len_img, kInputSide, &chw, &err);
  if (r) return fail(r, "image classification", err);
  vtorch::ModelPtr m;
  std::vector<std::string> names;
  std::vector<vtorch::Score> top;
  r = classifier(sess, &m, &err);
  if (!r) r = labels(&names, &err);
  if (!r) r = vtorch::classify(*m, chw.data(), kInputSide, kInputSide, kTopK, &top, &err);
  if (r) return fail(r, "image classification", err);
  auto name = [&](int64_t i) {
    return i >= 0 && static_cast<size_t>(i) < names.size() ? names[i]
                                                           : "class " + std::to_string(i);
  };
  std::string text = name(top[0].index), all;
  for (const auto &s : top) {
    char p[32];
    snprintf(p, sizeof(p), "%.6f", static_cast<double>(s.prob));
    all += (all.empty() ? "" : ";") + name(s.index) + ":" + p;
  }
  put_text(out_text, len_out_text, text);
  put_text(out_imgname, len_out_imgname, all);
  vaccel_debug("[torch] prediction: %s", all.c_str());
  return VACCEL_OK;
}

// out_imgname: "faces: N" followed by " [x,y,w,h]" per face (pixel coordinates in the input image).
int image_detect(vaccel_session *, const void *img, unsigned char *out_imgname, size_t len_img,
                 size_t len_out_imgname) {
  std::string err;
  std::vector<vimage::Box> faces;
  int r = vimage::detect_faces(static_cast<const uint8_t *>(img), len_img,
                               env_or("VACCEL_TORCH_FACE_CASCADE", VA_TORCH_DEFAULT_CASCADE),
                               &faces, &err);
  if (r) return fail(r, "image detection", err);
  std::string s = "faces: " + std::to_string(faces.size());
  for (const auto &f : faces)
    s += " [" + std::to_string(f.x) + "," + std::to_string(f.y) + "," + std::to_string(f.w) + "," +
         std::to_string(f.h) + "]";
  put_text(out_imgname, len_out_imgname, s);
  return VACCEL_OK;
}

// Ops whose engine Debian 12 does not package: a clear ENOTSUP (another loaded plugin may still
// serve them).
int no_engine(const char *op, const char *engine) {
  vaccel_error("[torch] %s: not supported: needs %s, which this host does not have", op, engine);
  return VACCEL_ENOTSUP;
}
int image_segment(vaccel_session *, const void *, unsigned char *, size_t, size_t) {
  return no_engine("image segmentation", "a segmentation network and its engine (none packaged)");
}
int image_pose(vaccel_session *, const void *, unsigned char *, size_t, size_t) {
  return no_engine("image pose", "a pose-estimation network and its engine (none packaged)");
}
int image_depth(vaccel_session *, const void *, unsigned char *, size_t, size_t) {
  return no_engine("image depth", "a depth-estimation network and its engine (none packaged)");
}
int tf_load(vaccel_session *, vaccel_resource *, vaccel_tf_status *) {
  return no_engine("TF model load", "TensorFlow (not packaged for Debian 12)");
}
int tf_unload(vaccel_session *, vaccel_resource *, vaccel_tf_status *) {
  return no_engine("TF model unload", "TensorFlow (not packaged for Debian 12)");
}
int tf_run(vaccel_session *, const vaccel_resource *, const vaccel_tf_buffer *,
           const vaccel_tf_node *, vaccel_tf_tensor *const *, int, const vaccel_tf_node *,
           vaccel_tf_tensor **, int, vaccel_tf_status *) {
  return no_engine("TF model run", "TensorFlow (not packaged for Debian 12)");
}
int tflite_load(vaccel_session *, vaccel_resource *) {
  return no_engine("TFLite model load", "TensorFlow Lite (not packaged for Debian 12)");
}
int tflite_unload(vaccel_session *, vaccel_resource *) {
  return no_engine("TFLite model unload", "TensorFlow Lite (not packaged for Debian 12)");
}
int tflite_run(vaccel_session *, const vaccel_resource *, vaccel_tflite_tensor *const *, int,
               vaccel_tflite_tensor **, int, uint8_t *) {
  return no_engine("TFLite model run", "TensorFlow Lite (not packaged for Debian 12)");
}

// A MODEL resource registered with a session is loaded at once (classification then starts warm); a
// file that is not TorchScript does not fail the registration (it may be meant for another plugin):
// the reason is kept and returned by the first op that needs the model.
int resource_register(vaccel_resource *res, vaccel_session *sess) {
  if (res->type != VACCEL_RESOURCE_MODEL) return VACCEL_OK;
  vtorch::ModelPtr m;
  std::string err;
  int r = get_model(res, &m, &err);
  std::lock_guard<std::mutex> lock(g_mu);
  if (r) {
    vaccel_debug("[torch] %s", err.c_str());
    g_load_errors[res->id] = err;
  }
  g_session_models[sess->id].push_back(res->id);
  return VACCEL_OK;
}

// Forgets that session `sid` uses `rid`; drops the loaded model when no session uses it any more.
// Caller holds g_mu.
void forget(vaccel_id_t sid, vaccel_id_t rid) {
  auto sm = g_session_models.find(sid);
  if (sm != g_session_models.end()) {
    std::erase(sm->second, rid);
    if (sm->second.empty()) g_session_models.erase(sm);
  }
  for (const auto &[s, ids] : g_session_models)
    if (std::find(ids.begin(), ids.end(), rid) != ids.end()) return;
  g_models.erase(rid);
  g_load_errors.erase(rid);
}

int resource_unregister(vaccel_resource *res, vaccel_session *sess) {
  std::lock_guard<std::mutex> lock(g_mu);
  forget(sess->id, res->id);
  return VACCEL_OK;
}

int session_release(vaccel_session *sess) {
  std::lock_guard<std::mutex> lock(g_mu);
  auto sm = g_session_models.find(sess->id);
  if (sm != g_session_models.end())
    for (vaccel_id_t rid : std::vector<vaccel_id_t>(sm->second)) forget(sess->id, rid);
  return VACCEL_OK;
}

int torch_init() {
  std::string threads = vtorch::set_threads(atoi(env_or("VACCEL_TORCH_THREADS", "0").c_str()));
  vaccel_info("[torch] %s", threads.c_str());
  static vaccel_op ops[] = {
      VACCEL_OP_INIT(ops[0], VACCEL_OP_TORCH_MODEL_LOAD, torch_model_load),
      VACCEL_OP_INIT(ops[1], VACCEL_OP_TORCH_MODEL_RUN, torch_model_run),
      VACCEL_OP_INIT(ops[2], VACCEL_OP_TORCH_SGEMM, torch_sgemm),
      VACCEL_OP_INIT(ops[3], VACCEL_OP_IMAGE_CLASSIFY, image_classify),
      VACCEL_OP_INIT(ops[4], VACCEL_OP_IMAGE_DETECT, image_detect),
      VACCEL_OP_INIT(ops[5], VACCEL_OP_IMAGE_SEGMENT, image_segment),
      VACCEL_OP_INIT(ops[6], VACCEL_OP_IMAGE_POSE, image_pose),
      VACCEL_OP_INIT(ops[7], VACCEL_OP_IMAGE_DEPTH, image_depth),
      VACCEL_OP_INIT(ops[8], VACCEL_OP_TF_MODEL_LOAD, tf_load),
      VACCEL_OP_INIT(ops[9], VACCEL_OP_TF_MODEL_UNLOAD, tf_unload),
      VACCEL_OP_INIT(ops[10], VACCEL_OP_TF_MODEL_RUN, tf_run),
      VACCEL_OP_INIT(ops[11], VACCEL_OP_TFLITE_MODEL_LOAD, tflite_load),
      VACCEL_OP_INIT(ops[12], VACCEL_OP_TFLITE_MODEL_UNLOAD, tflite_unload),
      VACCEL_OP_INIT(ops[13], VACCEL_OP_TFLITE_MODEL_RUN, tflite_run),
  };
  return vaccel_plugin_register_ops(ops, sizeof(ops) / sizeof(ops[0]));
}

int torch_fini() {
  std::lock_guard<std::mutex> lock(g_mu);
  g_models.clear();
  g_default.clear();
  g_labels.clear();
  g_session_models.clear();
  g_load_errors.clear();
  return VACCEL_OK;
}

}  // namespace

VACCEL_PLUGIN(.name = "torch", .version = "0.1.0", .vaccel_version = VACCEL_VERSION,
              .init = torch_init, .fini = torch_fini, .is_virtio = false,
              .type = VACCEL_PLUGIN_TORCH, .session_release = session_release,
              .resource_register = resource_register, .resource_unregister = resource_unregister)
