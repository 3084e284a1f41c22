/* query_impl: the compiled form of a query, shared by the parser
 * (query_parse.c) and the evaluator (query_eval.c). Not a public header. */
#ifndef GOTREX_QUERY_IMPL_H
#define GOTREX_QUERY_IMPL_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gotrex/query.h"

/* Classes of a goroutine's state at one moment (a bit each). */
#define QC_RUNNING     (1u << 0)
#define QC_RUNNABLE    (1u << 1)
#define QC_SYSCALL     (1u << 2)
#define QC_WAITING     (1u << 3)
#define QC_DEAD        (1u << 4)
#define QC_CHAN        (1u << 5)
#define QC_SELECT      (1u << 6)
#define QC_MUTEX       (1u << 7)
#define QC_COND        (1u << 8)
#define QC_WG          (1u << 9)
#define QC_SEMA        (1u << 10) /* semacquire the frames do not explain */
#define QC_IO          (1u << 11)
#define QC_SLEEP       (1u << 12)
#define QC_GC          (1u << 13)
#define QC_IDLE        (1u << 14)
#define QC_OTHERSYNC   (1u << 15) /* coroutine, synctest.Run/Wait */
#define QC_UNKNOWNWAIT (1u << 16) /* waiting with no or an unknown reason */
#define QC_BLOCKED (QC_CHAN | QC_SELECT | QC_MUTEX | QC_COND | QC_WG | QC_SEMA | \
                    QC_OTHERSYNC | QC_UNKNOWNWAIT)
#define QC_STATUS (QC_RUNNING | QC_RUNNABLE | QC_SYSCALL | QC_WAITING | QC_DEAD)

/* Mask of a reason text (suffixes such as " (durable)" removed first);
 * includes QC_WAITING for wait reasons, the status bit for status
 * strings; 0 when unknown. */
uint32_t gx_query__reason_mask(const char *reason, size_t n);

enum qn_kind {
	QN_ALL,     /* empty query */
	QN_AND,
	QN_OR,
	QN_NOT,
	QN_CLASS,   /* alias: mask of QC_* and/or goroutine flags */
	QN_REASON,
	QN_STACK,
	QN_CREATED,
	QN_LOG,
	QN_REGION,
	QN_LABEL,
	QN_ID,
	QN_WAIT,
	QN_IN,
	QN_WINDOW,
};

enum qm_kind {
	QM_EXACT,   /* the whole text equals */
	QM_SUB,     /* literal substring (pcre2 with PCRE2_LITERAL) */
	QM_RE,      /* regex */
};

struct qmatch {
	enum qm_kind kind;
	char *text;         /* the value as written, unquoted */
	size_t len;
	pcre2_code *re;     /* QM_SUB, QM_RE */
};

struct qrange {
	uint64_t lo, hi;    /* inclusive */
};

enum qw_kind {
	QW_RANGE,           /* a..b from the start of the trace */
	QW_LAST,
	QW_FIRST,
	QW_BEFORE_DEADLOCK,
};

enum qcmp { QCMP_GT, QCMP_GE, QCMP_LT, QCMP_LE };

struct qnode {
	enum qn_kind kind;
	size_t pos, len;    /* the node's text in the query */
	uint32_t *kids;     /* QN_AND, QN_OR, QN_NOT: node indexes */
	size_t nkids;
	uint32_t mask;      /* QN_CLASS: QC_* */
	uint32_t gflags;    /* QN_CLASS: GX_G_* goroutine flags */
	struct qmatch m;    /* QN_REASON, QN_STACK, QN_CREATED, QN_LOG, QN_REGION, QN_LABEL key */
	struct qmatch v;    /* QN_LABEL value */
	bool has_value;     /* QN_LABEL */
	struct qrange *ranges; /* QN_ID */
	size_t nranges;
	enum qcmp cmp;      /* QN_WAIT */
	int64_t ns;         /* QN_WAIT; QN_WINDOW duration */
	enum gx_query_set set; /* QN_IN */
	enum qw_kind wkind; /* QN_WINDOW */
	bool has_a, has_b;  /* QN_WINDOW range ends */
	int64_t a, b;

	/* Evaluation state, rebuilt by every gx_query_select(). */
	uint8_t *cache;     /* per stack id (QN_STACK, QN_CREATED) or goroutine (QN_LOG, QN_REGION) */
	size_t ncache;
};

struct gx_query {
	char *text;
	struct qnode *nodes;
	size_t n, cap;
	uint32_t root;
	int window;         /* node index of the window, -1 when none */
	bool needs_deadlock;
	pcre2_match_data *md;
};

#endif
