/* SPDX-License-Identifier: Apache-2.0 */
/* Image classification of a file's bytes. Usage: classify <image> */
#include <stdio.h>
#include <stdlib.h>
#include <vaccel.h>

int main(int argc, char *argv[])
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s <image>\n", argv[0]);
		return 1;
	}
	/* A blob reads the file (a resource would only once registered). */
	struct vaccel_blob img;
	int ret = vaccel_blob_init(&img, argv[1]);
	if (ret) {
		fprintf(stderr, "cannot read %s: %d\n", argv[1], ret);
		return 1;
	}
	size_t len = 0;
	uint8_t *bytes = vaccel_blob_data(&img, &len);
	struct vaccel_session sess;
	if (!bytes || vaccel_session_init(&sess, 0)) {
		vaccel_blob_release(&img);
		return 1;
	}
	unsigned char text[256], name[256];
	ret = vaccel_image_classification(&sess, bytes, text, name, len,
					  sizeof(text), sizeof(name));
	if (ret)
		fprintf(stderr, "classification failed: %d (%s)\n", ret,
			vaccel_last_error());
	else
		printf("classification tags: %s\n", text);
	vaccel_session_release(&sess);
	vaccel_blob_release(&img);
	return ret ? 1 : 0;
}
