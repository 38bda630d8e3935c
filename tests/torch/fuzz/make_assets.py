"""Assets of the device-path torch fuzzer (tests/torch/fuzz_device.sh, ctest torch_device_fuzz_driver), written
into the directory argv[1]: copies of models/'s double_and_float.pt (as small.pt), efficientnet_lite0.pt,
images/banana.jpg and imagenet_labels.txt from the built models directory argv[2]; tiny_classifier.pt, a TorchScript classifier that is cheap to run ([1,3,H,W] -> [1,1000] logits from the
channel means), so that a classification that gets past decoding costs milliseconds instead of the real
network's 30+; small.png and small.bmp, valid 24x16 RGB images written here byte by byte."""
import shutil
import struct
import sys
import zlib

import torch


class Tiny(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(3, 1000)
        torch.nn.init.constant_(self.fc.weight, 0.01)
        torch.nn.init.constant_(self.fc.bias, 0.0)

    def forward(self, x):
        return self.fc(x.mean(dim=(2, 3)))


def chunk(kind, data):
    return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data))


def main(out, models):
    for src, dst in (('double_and_float.pt', 'small.pt'), ('efficientnet_lite0.pt', 'efficientnet_lite0.pt'),
                     ('images/banana.jpg', 'banana.jpg'), ('imagenet_labels.txt', 'imagenet_labels.txt')):
        shutil.copyfile(models + '/' + src, out + '/' + dst)
    torch.jit.script(Tiny().eval()).save(out + '/tiny_classifier.pt')
    w, h = 24, 16
    px = bytes((x * 10 + y * 3 + c * 70) & 0xff for y in range(h) for x in range(w) for c in range(3))
    raw = b''.join(b'\0' + px[y * w * 3:(y + 1) * w * 3] for y in range(h))
    png = (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0)) +
           chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b''))
    with open(out + '/small.png', 'wb') as f:
        f.write(png)
    row = (w * 3 + 3) & ~3  # BMP rows are padded to 4 bytes, stored bottom-up
    pixels = b''.join(px[y * w * 3:(y + 1) * w * 3] + b'\0' * (row - w * 3) for y in reversed(range(h)))
    bmp = (b'BM' + struct.pack('<IHHI', 54 + len(pixels), 0, 0, 54) +
           struct.pack('<IiiHHIIiiII', 40, w, h, 1, 24, 0, len(pixels), 2835, 2835, 0, 0) + pixels)
    with open(out + '/small.bmp', 'wb') as f:
        f.write(bmp)


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
