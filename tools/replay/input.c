/* SPDX-License-Identifier: MIT */
/* Byte sources (plain, zlib, liblzma, libzstd, a decompressor's pipe) under one line reader. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#ifdef REPLAY_HAVE_ZLIB
#include <zlib.h>
#endif
#ifdef REPLAY_HAVE_LZMA
#include <lzma.h>
#endif
#ifdef REPLAY_HAVE_ZSTD
#include <zstd.h>
#endif

#include "input.h"

#define RAW_SIZE  (256u << 10)
#define LINE_SIZE (64u << 10)

enum codec { CODEC_PLAIN, CODEC_GZIP, CODEC_XZ, CODEC_ZSTD };

struct input {
	FILE *file;
	pid_t child; /* decompressor behind a pipe, or 0 */
	enum codec codec;
	const char *codec_name;
	int failed, eof;
	/* compressed bytes */
	unsigned char *raw;
	size_t raw_pos, raw_len;
	/* decompressed text */
	char *buf;
	size_t pos, len;
	char line[LINE_SIZE];
#ifdef REPLAY_HAVE_ZLIB
	z_stream z;
#endif
#ifdef REPLAY_HAVE_LZMA
	lzma_stream x;
#endif
#ifdef REPLAY_HAVE_ZSTD
	ZSTD_DStream *zs;
#endif
};

static enum codec sniff(const unsigned char *b, size_t n)
{
	if (n >= 2 && b[0] == 0x1f && b[1] == 0x8b)
		return CODEC_GZIP;
	if (n >= 6 && memcmp(b,
			     "\xfd"
			     "7zXZ\0",
			     6) == 0)
		return CODEC_XZ;
	if (n >= 4 && b[0] == 0x28 && b[1] == 0xb5 && b[2] == 0x2f && b[3] == 0xfd)
		return CODEC_ZSTD;
	return CODEC_PLAIN;
}

static int fill_raw(struct input *in)
{
	if (in->raw_pos < in->raw_len)
		return 1;
	in->raw_pos = 0;
	in->raw_len = fread(in->raw, 1, RAW_SIZE, in->file);
	if (in->raw_len == 0 && ferror(in->file))
		in->failed = 1;
	return in->raw_len > 0;
}

/* Decompress (or copy) into in->buf; returns bytes produced, 0 at the end. */
static size_t produce(struct input *in, char *out, size_t cap)
{
	while (!in->eof && !in->failed) {
		if (!fill_raw(in)) {
			in->eof = 1;
			break;
		}
		switch (in->codec) {
		case CODEC_PLAIN: {
			size_t n = in->raw_len - in->raw_pos < cap ? in->raw_len - in->raw_pos : cap;
			memcpy(out, in->raw + in->raw_pos, n);
			in->raw_pos += n;
			return n;
		}
#ifdef REPLAY_HAVE_ZLIB
		case CODEC_GZIP: {
			int rc;
			in->z.next_in = in->raw + in->raw_pos;
			in->z.avail_in = (uInt)(in->raw_len - in->raw_pos);
			in->z.next_out = (Bytef *)out;
			in->z.avail_out = (uInt)cap;
			rc = inflate(&in->z, Z_NO_FLUSH);
			in->raw_pos = in->raw_len - in->z.avail_in;
			if (rc == Z_STREAM_END) /* concatenated members: start the next */
				inflateReset(&in->z);
			else if (rc != Z_OK && rc != Z_BUF_ERROR)
				in->failed = 1;
			if (cap - in->z.avail_out)
				return cap - in->z.avail_out;
			break;
		}
#endif
#ifdef REPLAY_HAVE_LZMA
		case CODEC_XZ: {
			lzma_ret rc;
			in->x.next_in = in->raw + in->raw_pos;
			in->x.avail_in = in->raw_len - in->raw_pos;
			in->x.next_out = (uint8_t *)out;
			in->x.avail_out = cap;
			rc = lzma_code(&in->x, LZMA_RUN);
			in->raw_pos = in->raw_len - in->x.avail_in;
			if (rc != LZMA_OK && rc != LZMA_STREAM_END)
				in->failed = 1;
			if (cap - in->x.avail_out)
				return cap - in->x.avail_out;
			break;
		}
#endif
#ifdef REPLAY_HAVE_ZSTD
		case CODEC_ZSTD: {
			ZSTD_inBuffer ib = {in->raw, in->raw_len, in->raw_pos};
			ZSTD_outBuffer ob = {out, cap, 0};
			size_t rc = ZSTD_decompressStream(in->zs, &ob, &ib);
			in->raw_pos = ib.pos;
			if (ZSTD_isError(rc))
				in->failed = 1;
			if (ob.pos)
				return ob.pos;
			break;
		}
#endif
		default:
			in->failed = 1;
		}
	}
	return 0;
}

/* Without the library: the decompressor program, reading the file itself. */
static int open_pipe(struct input *in, const char *path, const char *prog)
{
	int fds[2];

	if (strcmp(path, "-") == 0) {
		fprintf(stderr,
			"buddy-replay: compressed stdin needs lib%s at build time; pipe through '%s -dc'\n",
			prog, prog);
		return -1;
	}
	if (pipe(fds))
		return -1;
	in->child = fork();
	if (in->child < 0)
		return -1;
	if (in->child == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execlp(prog, prog, "-dc", "--", path, (char *)NULL);
		fprintf(stderr, "buddy-replay: cannot run %s: %s\n", prog, strerror(errno));
		_exit(127);
	}
	close(fds[1]);
	fclose(in->file);
	in->file = fdopen(fds[0], "r");
	in->raw_len = in->raw_pos = 0;
	in->codec = CODEC_PLAIN;
	return in->file ? 0 : -1;
}

static int setup_codec(struct input *in, const char *path)
{
	static const char *const progs[] = {"cat", "gzip", "xz", "zstd"};

	switch (in->codec) {
	case CODEC_PLAIN:
		in->codec_name = "plain";
		return 0;
#ifdef REPLAY_HAVE_ZLIB
	case CODEC_GZIP:
		in->codec_name = "gzip (zlib)";
		return inflateInit2(&in->z, 15 + 32) == Z_OK ? 0 : -1;
#endif
#ifdef REPLAY_HAVE_LZMA
	case CODEC_XZ:
		in->codec_name = "xz (liblzma)";
		return lzma_stream_decoder(&in->x, UINT64_MAX, LZMA_CONCATENATED) == LZMA_OK ? 0 : -1;
#endif
#ifdef REPLAY_HAVE_ZSTD
	case CODEC_ZSTD:
		in->codec_name = "zstd (libzstd)";
		in->zs = ZSTD_createDStream();
		return in->zs ? 0 : -1;
#endif
	default:
		in->codec_name = in->codec == CODEC_GZIP ? "gzip (pipe)"
				 : in->codec == CODEC_XZ ? "xz (pipe)"
							 : "zstd (pipe)";
		return open_pipe(in, path, progs[in->codec]);
	}
}

struct input *input_open(const char *path)
{
	struct input *in = calloc(1, sizeof(*in));

	if (!in)
		return NULL;
	in->raw = malloc(RAW_SIZE);
	in->buf = malloc(RAW_SIZE);
#ifdef REPLAY_HAVE_LZMA
	in->x = (lzma_stream)LZMA_STREAM_INIT;
#endif
	in->file = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (!in->raw || !in->buf || !in->file) {
		fprintf(stderr, "buddy-replay: cannot open %s: %s\n", path, strerror(errno));
		input_close(in);
		return NULL;
	}
	fill_raw(in);
	in->codec = sniff(in->raw, in->raw_len);
	if (setup_codec(in, path)) {
		fprintf(stderr, "buddy-replay: cannot start the decompressor for %s\n", path);
		input_close(in);
		return NULL;
	}
	return in;
}

char *input_getline(struct input *in, size_t *len, int *cut)
{
	size_t n = 0;

	*cut = 0;
	for (;;) {
		if (in->pos == in->len) {
			in->pos = 0;
			in->len = produce(in, in->buf, RAW_SIZE);
			if (in->len == 0) {
				if (n == 0)
					return NULL;
				break; /* last line without a newline */
			}
		}
		char *start = in->buf + in->pos;
		char *nl = memchr(start, '\n', in->len - in->pos);
		size_t chunk = nl ? (size_t)(nl - start) : in->len - in->pos;
		size_t keep = chunk < LINE_SIZE - 1 - n ? chunk : LINE_SIZE - 1 - n;

		if (keep < chunk)
			*cut = 1;
		memcpy(in->line + n, start, keep);
		n += keep;
		in->pos += chunk + (nl ? 1 : 0);
		if (nl)
			break;
	}
	in->line[n] = 0;
	*len = n;
	return in->line;
}

int input_failed(const struct input *in)
{
	return in->failed;
}

const char *input_codec(const struct input *in)
{
	return in->codec_name;
}

void input_close(struct input *in)
{
	if (!in)
		return;
#ifdef REPLAY_HAVE_ZLIB
	if (in->codec == CODEC_GZIP)
		inflateEnd(&in->z);
#endif
#ifdef REPLAY_HAVE_LZMA
	lzma_end(&in->x);
#endif
#ifdef REPLAY_HAVE_ZSTD
	if (in->zs)
		ZSTD_freeDStream(in->zs);
#endif
	if (in->file && in->file != stdin)
		fclose(in->file);
	if (in->child > 0) {
		int status;
		waitpid(in->child, &status, 0);
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			in->failed = 1;
	}
	free(in->raw);
	free(in->buf);
	free(in);
}
