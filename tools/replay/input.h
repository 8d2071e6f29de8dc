/* SPDX-License-Identifier: MIT */
/*
 * Trace text from a file or stdin, one line at a time, gzip/xz/zstd
 * decompressed on the fly. The format is found from the first bytes, not the
 * name. Each codec uses its library when CMake found it (REPLAY_HAVE_ZLIB,
 * _LZMA, _ZSTD), else the gzip/xz/zstd program through a pipe (files only).
 */
#ifndef REPLAY_INPUT_H
#define REPLAY_INPUT_H

#include <stddef.h>

struct input;

/* "-" is stdin. NULL on failure, with the reason on stderr. */
struct input *input_open(const char *path);

/*
 * The next line, NUL-terminated, without its newline; NULL at the end or on
 * a read error (input_failed() tells which). A line longer than the buffer
 * is cut, and *cut set, the rest of it skipped.
 */
char *input_getline(struct input *in, size_t *len, int *cut);

int input_failed(const struct input *in);
const char *input_codec(const struct input *in); /* "plain", "gzip (zlib)", "xz (pipe)" ... */
void input_close(struct input *in);

#endif /* REPLAY_INPUT_H */
