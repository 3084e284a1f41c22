/* waitgraph internals shared by src/resource.c, src/waitgraph.c and
 * src/fingerprint.c. Not a public interface. */
#ifndef GOTREX_WAITGRAPH_IMPL_H
#define GOTREX_WAITGRAPH_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gotrex/store.h"
#include "gotrex/waitgraph.h"

/* Arguments of one frame are parsed into at most this many words (the
 * runtime prints at most 10 components per frame). */
#define WG_ARGS_MAX 16

/* Classify goroutine g: fills kind, addr, addr_src, site_frame,
 * wait_frame and possible_timer of *out (status/proof/resource are left
 * to the caller). */
void gx_wg_classify(const struct gx_store *s, const struct gx_goroutine_rec *g,
                    struct gx_wg_goroutine *out);

/* The resource kind a wait kind blocks on; GX_RES_KIND_COUNT for waits
 * that are not on a resource (live or permanent). */
enum gx_res_kind gx_wg_res_kind(enum gx_wait_kind k);

/* Is this frame the innermost "user" frame candidate (not plumbing, not
 * a created-by or elision marker)? */
bool gx_wg_user_frame(const struct gx_store *s, const struct gx_frame_rec *f);
/* go/defer wrapper frames ("main.main.gowrap1") that level-1 tracebacks hide. */
bool gx_wg_wrapper_frame(const struct gx_store *s, const struct gx_frame_rec *f);
/* The same, plus the pre-Go-1.22 "caller.funcN" wrapper of a go statement
 * (recognised by its file and line, those of g's created-by frame). */
bool gx_wg_go_wrapper(const struct gx_store *s, const struct gx_goroutine_rec *g,
                      const struct gx_frame_rec *f);

/* Is is() true of the functions of frames [0, limit) of stack st
 * (created-by and elided lines left out)? *seen counts those frames. */
bool gx_wg_frames_all(const struct gx_store *s, gx_stack st, size_t limit,
                      bool (*is)(const char *func, size_t n), size_t *seen);

/* The fingerprint of the stuck goroutines idx[0..n). */
void gx_wg_fingerprint(const struct gx_store *s, const struct gx_wg_goroutine *gw,
                       const uint32_t *idx, size_t n, char out[GX_FINGERPRINT_LEN + 1]);

#endif
