/* pipe: a single-producer, single-consumer ring of fixed-size records
 * with a worker thread (see gotrex/pipe.h).
 *
 * head counts records published by the producer, tail records consumed
 * by the worker; both only grow (slots are taken modulo the ring size).
 * The producer publishes every BATCH records, so the worker is woken a
 * batch at a time, not per record. Sleeping and waking go through one
 * mutex: a side stores its counter, then takes the mutex to signal, and
 * the other side checks the counter under the mutex before it sleeps, so
 * no wake-up is lost. */
#include "config.h"

#include "gotrex/pipe.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>

#include "gotrex/util.h"

#define RING ((size_t)1 << 16) /* records; a power of two */
#define BATCH ((size_t)4096)   /* records published at a time */

struct gx_pipe {
	unsigned char *ring;
	size_t rec_size;
	void (*consume)(void *ctx, const void *recs, size_t n);
	void *ctx;
	/* the producer's own */
	size_t put;                /* records put */
	size_t tail_seen;          /* tail when last looked at */
	/* shared */
	atomic_size_t head;
	atomic_size_t tail;
	bool done;                 /* under mu: nothing more will come */
	pthread_mutex_t mu;
	pthread_cond_t have_data, have_room;
	pthread_t worker;
};

static void *
work(void *arg)
{
	struct gx_pipe *p = arg;
	size_t t = 0, h;

	for (;;) {
		h = atomic_load_explicit(&p->head, memory_order_acquire);
		if (h == t) {
			bool done;

			pthread_mutex_lock(&p->mu);
			while ((h = atomic_load_explicit(&p->head, memory_order_acquire)) == t &&
			       !p->done)
				pthread_cond_wait(&p->have_data, &p->mu);
			done = p->done;
			pthread_mutex_unlock(&p->mu);
			if (h == t && done)
				return NULL;
			continue;
		}
		while (t != h) {
			size_t i = t & (RING - 1), n = h - t;

			if (n > RING - i)
				n = RING - i;
			p->consume(p->ctx, p->ring + i * p->rec_size, n);
			t += n;
			atomic_store_explicit(&p->tail, t, memory_order_release);
			pthread_mutex_lock(&p->mu);
			pthread_cond_signal(&p->have_room);
			pthread_mutex_unlock(&p->mu);
		}
	}
}

struct gx_pipe *
gx_pipe_start(size_t rec_size, void (*consume)(void *ctx, const void *recs, size_t n),
              void *ctx)
{
	struct gx_pipe *p = xcalloc(1, sizeof(*p));
	sigset_t all, old;
	int rc;

	p->ring = xreallocarray(NULL, RING, rec_size);
	p->rec_size = rec_size;
	p->consume = consume;
	p->ctx = ctx;
	atomic_init(&p->head, 0);
	atomic_init(&p->tail, 0);
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->have_data, NULL);
	pthread_cond_init(&p->have_room, NULL);
	/* The worker takes no signals: SIGWINCH, SIGINT and the like stay with
	 * the thread that handles them. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&p->worker, NULL, work, p);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		pthread_mutex_destroy(&p->mu);
		pthread_cond_destroy(&p->have_data);
		pthread_cond_destroy(&p->have_room);
		free(p->ring);
		free(p);
		return NULL;
	}
	return p;
}

static void
publish(struct gx_pipe *p)
{
	atomic_store_explicit(&p->head, p->put, memory_order_release);
	pthread_mutex_lock(&p->mu);
	pthread_cond_signal(&p->have_data);
	pthread_mutex_unlock(&p->mu);
}

void *
gx_pipe_slot(struct gx_pipe *p)
{
	if (p->put - p->tail_seen == RING) {
		p->tail_seen = atomic_load_explicit(&p->tail, memory_order_acquire);
		if (p->put - p->tail_seen == RING) {
			publish(p);
			pthread_mutex_lock(&p->mu);
			while (p->put - (p->tail_seen = atomic_load_explicit(
			                     &p->tail, memory_order_acquire)) == RING)
				pthread_cond_wait(&p->have_room, &p->mu);
			pthread_mutex_unlock(&p->mu);
		}
	}
	return p->ring + (p->put & (RING - 1)) * p->rec_size;
}

void
gx_pipe_commit(struct gx_pipe *p)
{
	if (++p->put % BATCH == 0)
		publish(p);
}

void
gx_pipe_finish(struct gx_pipe *p)
{
	if (p == NULL)
		return;
	atomic_store_explicit(&p->head, p->put, memory_order_release);
	pthread_mutex_lock(&p->mu);
	p->done = true;
	pthread_cond_signal(&p->have_data);
	pthread_mutex_unlock(&p->mu);
	pthread_join(p->worker, NULL);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->have_data);
	pthread_cond_destroy(&p->have_room);
	free(p->ring);
	free(p);
}
