// SPDX-License-Identifier: Apache-2.0
// OpenCV implementation of image.hh (the header parser is in image_probe.cc).
#include "image.hh"

#include <vaccel.h>

#include <climits>
#include <mutex>
#include <new>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/objdetect.hpp>

namespace vimage {

namespace {

std::string dims_str(uint32_t w, uint32_t h) { return std::to_string(w) + "x" + std::to_string(h); }

// Decoded 8-bit 3-channel BGR image, after the header check.
int decode(const uint8_t *data, size_t size, cv::Mat *img, std::string *err) {
  uint32_t w, h;
  int r = probe(data, size, &w, &h, err);
  if (r) return r;
  if (size > static_cast<size_t>(INT_MAX)) {
    *err = "image of " + std::to_string(size) + " bytes is too large";
    return VACCEL_EINVAL;
  }
  try {
    cv::Mat raw(1, static_cast<int>(size), CV_8UC1, const_cast<uint8_t *>(data));
    *img = cv::imdecode(raw, cv::IMREAD_COLOR);
  } catch (const std::bad_alloc &) {
    *err = "out of memory decoding the image";
    return VACCEL_ENOMEM;
  } catch (const std::exception &e) {
    *err = std::string("image decoder: ") + e.what();
    return VACCEL_EINVAL;
  }
  if (img->empty()) {
    *err = "the " + dims_str(w, h) + " image could not be decoded (corrupt or truncated)";
    return VACCEL_EINVAL;
  }
  return VACCEL_OK;
}

}  // namespace

int preprocess(const uint8_t *data, size_t size, int side, std::vector<float> *chw,
               std::string *err) {
  cv::Mat bgr;
  int r = decode(data, size, &bgr, err);
  if (r) return r;
  try {
    cv::Mat rgb, small, f;
    cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
    cv::resize(rgb, small, cv::Size(side, side), 0, 0, cv::INTER_LINEAR);
    small.convertTo(f, CV_32FC3, 1.0 / 255.0);
    // ImageNet statistics, as upstream vAccel's torch examples use
    static const float mean[3] = {0.485F, 0.456F, 0.406F};
    static const float stdv[3] = {0.229F, 0.224F, 0.225F};
    size_t plane = size_t(side) * side;
    chw->assign(3 * plane, 0.0F);
    for (int y = 0; y < side; y++) {
      const cv::Vec3f *row = f.ptr<cv::Vec3f>(y);
      for (int x = 0; x < side; x++)
        for (int c = 0; c < 3; c++)
          (*chw)[c * plane + size_t(y) * side + x] = (row[x][c] - mean[c]) / stdv[c];
    }
  } catch (const std::bad_alloc &) {
    *err = "out of memory preprocessing the image";
    return VACCEL_ENOMEM;
  } catch (const std::exception &e) {
    *err = std::string("image preprocessing: ") + e.what();
    return VACCEL_EINVAL;
  }
  return VACCEL_OK;
}

int detect_faces(const uint8_t *data, size_t size, const std::string &cascade_path,
                 std::vector<Box> *faces, std::string *err) {
  // One classifier per process, loaded on first use. detectMultiScale keeps per-call state in the
  // classifier object, so calls are serialised.
  static std::mutex mu;
  static cv::CascadeClassifier cascade;
  static std::string loaded;
  cv::Mat bgr;
  int r = decode(data, size, &bgr, err);
  if (r) return r;
  std::lock_guard<std::mutex> lock(mu);
  try {
    if (loaded != cascade_path) {
      if (!cascade.load(cascade_path)) {
        loaded.clear();
        *err = "cannot load the face detector " + cascade_path + " (Debian package opencv-data)";
        return VACCEL_ENOENT;
      }
      loaded = cascade_path;
    }
    cv::Mat grey;
    cv::cvtColor(bgr, grey, cv::COLOR_BGR2GRAY);
    cv::equalizeHist(grey, grey);
    std::vector<cv::Rect> found;
    cascade.detectMultiScale(grey, found, 1.1, 5, 0, cv::Size(30, 30));
    faces->clear();
    for (auto &f : found) faces->push_back({f.x, f.y, f.width, f.height});
  } catch (const std::bad_alloc &) {
    *err = "out of memory in face detection";
    return VACCEL_ENOMEM;
  } catch (const std::exception &e) {
    *err = std::string("face detection: ") + e.what();
    return VACCEL_EINVAL;
  }
  return VACCEL_OK;
}

}  // namespace vimage
