/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The copies a windup claims, and giving them back when a signal handler
 * took the thread out of the windup with a longjmp.
 *
 * A windup claims copies (a ring slot, the front, a history entry, the rate
 * memo) and pins slots; it gives each back before it returns.  A longjmp
 * out of a signal handler that interrupted it leaves them held, and nothing
 * else may give them back: a winder that was only stopped (preempted, a
 * debugger) would resume and write into a copy another writer uses.  But
 * the thread that was taken out can tell, on its next call, that its
 * windup is gone: a windup below a signal handler's frame on the same
 * stack is deeper (lower) than the handler's frames, so a call whose frame
 * is above the windup's, on the same stack, is not nested in it.  The one
 * case that looks the same is a handler on an alternate signal stack that
 * lies above the windup's frame; sigaltstack(2) tells, and is asked only
 * in this rare recovery.  The copies are given back invalid (docs/design.md
 * "Own timehands: nobody is stuck").
 *
 * Each thread claims with an odd generation of its own (its tag), noted
 * before the claiming CAS: a copy whose generation is this thread's tag
 * is this thread's, whether or not the longjmp came between the CAS and
 * anything after it.  Readers only ask whether a generation is odd.  A
 * thread that leaves a windup and never calls the library again keeps its
 * copies: they are lost, never torn.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>

#include "atomic.h"
#include "hands/hands_impl.h"
#include "timehands.h"

/* A frame more than this above the windup's is on another stack. */
#define HELD_SAME_STACK (UINT64_C(1) << 20)

struct held {
	struct tk__hands *h;
	uintptr_t frame; /* the windup's frame; 0: not in a windup */
	uint32_t tag; /* this thread's odd claiming generation; 0: none yet */
	int what[TK_HELD_NKINDS]; /* 1 while (perhaps) held */
	unsigned idx[TK_HELD_NKINDS]; /* which slot or entry */
	uint32_t from[TK_HELD_NKINDS]; /* its generation before the claim */
};

/* Initial-exec: no allocation on first use, as a signal handler may be. */
static __thread struct held held __attribute__((tls_model("initial-exec")));

/* Hands out the tags (relaxed: only uniqueness matters). */
static uint32_t next_tag;

int
tk__hands_held_begin(struct tk__hands *h, uintptr_t frame)
{
	if (held.frame != 0)
		return -EBUSY; /* a handler inside this thread's windup */
	while (held.tag == 0)
		held.tag = (tk__fetch_add_relaxed(&next_tag, 1u) << 1) | 1u;
	held.h = h;
	held.frame = frame;
	return 0;
}

void
tk__hands_held_end(void)
{
	int k;

	for (k = 0; k < TK_HELD_NKINDS; k++)
		held.what[k] = 0;
	held.frame = 0;
}

void
tk__hands_held_note(enum tk__hands_held_kind k, unsigned idx)
{
	held.idx[k] = idx;
	held.what[k] = 1;
}

void
tk__hands_held_drop(enum tk__hands_held_kind k)
{
	held.what[k] = 0;
}

int
tk__hands_claim(uint32_t *genp, uint32_t busy, enum tk__hands_held_kind k,
    unsigned idx, uint32_t *from)
{
	uint32_t g = tk__load_relaxed(genp);

	if (g & (busy | 1u))
		return 0;
	held.from[k] = g;
	tk__hands_held_note(k, idx);
	/*
	 * CAS, acquire-release: acquire, the last writer's stores are
	 * complete before ours (its release in tk__hands_release()); release,
	 * with the fence below, the odd tag is visible before any field store;
	 * partner: the acquire fence in tk__th_read_retry_even().
	 */
	if (!tk__cas_acq_rel(genp, &g, held.tag)) {
		held.what[k] = 0;
		return 0;
	}
	/*
	 * Release fence: the odd tag is ordered before the field stores that
	 * follow; pairs with the acquire fence in tk__th_read_retry_even().
	 */
	tk__fence_release();
	*from = held.from[k];
	return 1;
}

void
tk__hands_release(uint32_t *genp, enum tk__hands_held_kind k, uint32_t next)
{
	/*
	 * Release: the field stores are visible before the even generation;
	 * pairs with the acquire load in tk__th_read_begin().
	 */
	tk__store_release(genp, next);
	held.what[k] = 0;
}

/* Does this thread still have the copy claimed? (Else the claim failed.) */
static int
ours(const uint32_t *genp)
{
	/*
	 * Relaxed: only this thread stores its tag, and nothing is read from
	 * the copy on its strength; the give-back's release store orders.
	 */
	return tk__load_relaxed(genp) == held.tag;
}

/* Unpin slot i unless the word names it (then it is current). */
static void
unpin(struct tk__hands_page *pg, unsigned i)
{
	uint32_t g = tk__load_relaxed(&pg->ring[i].hot.gen);

	/* Acquire: the word that names a slot is read after its pin. */
	if (tk__hands_w_slot(tk__load_acquire(&pg->pub.word)) == i ||
	    !(g & TK_HANDS_GEN_PIN) || (g & 1u))
		return;
	/*
	 * CAS: only the pin bit; the slot's contents do not change.  Partner:
	 * the claiming CAS in tk__hands_claim().
	 */
	tk__cas_acq_rel(&pg->ring[i].hot.gen, &g, g & ~TK_HANDS_GEN_PIN);
}

/* Is this thread running on an alternate signal stack? (A system call.) */
static int
on_altstack(void)
{
	stack_t ss;
	int saved = errno, r = sigaltstack(NULL, &ss);

	errno = saved;
	return r != 0 || (ss.ss_flags & SS_ONSTACK) != 0;
}

void
tk__hands_held_recover(struct tk__hands *h, uintptr_t frame)
{
	struct tk__hands_page *pg = h->page;
	unsigned i;

	if (held.frame == 0 || held.h != h || frame <= held.frame ||
	    frame - held.frame > HELD_SAME_STACK || on_altstack())
		return;
	/* A slot never published: no reader reaches it through the word. */
	i = held.idx[TK_HELD_SLOT];
	if (held.what[TK_HELD_SLOT] && ours(&pg->ring[i].hot.gen))
		tk__hands_release(&pg->ring[i].hot.gen, TK_HELD_SLOT,
		    tk__hands_slot_next(held.from[TK_HELD_SLOT]));
	if (held.what[TK_HELD_PIN])
		unpin(pg, held.idx[TK_HELD_PIN]);
	if (held.what[TK_HELD_UNPIN])
		unpin(pg, held.idx[TK_HELD_UNPIN]);
	/*
	 * The others are given back invalid: what readers check is made to
	 * fail (relaxed) before the release store in tk__hands_release().
	 */
	if (held.what[TK_HELD_FRONT] && ours(&pg->front.gen)) {
		tk__store_relaxed(
		    &pg->front.span, 0); /* no fast read takes it */
		tk__hands_release(&pg->front.gen, TK_HELD_FRONT,
		    tk__hands_copy_next(held.from[TK_HELD_FRONT]));
	}
	i = held.idx[TK_HELD_HIST];
	if (held.what[TK_HELD_HIST] && ours(&pg->hist[i].gen)) {
		/* No conversion takes an entry whose seq is not its own. */
		tk__store_relaxed(&pg->hist[i].seq, 0);
		tk__hands_release(&pg->hist[i].gen, TK_HELD_HIST,
		    tk__hands_copy_next(held.from[TK_HELD_HIST]));
	}
	if (held.what[TK_HELD_MEMO] && h->memo != NULL && ours(&h->memo->gen)) {
		tk__store_relaxed(&h->memo->rate, 0); /* read as no memo */
		tk__hands_release(&h->memo->gen, TK_HELD_MEMO,
		    tk__hands_copy_next(held.from[TK_HELD_MEMO]));
	}
	tk__hands_stat(&pg->stats.recovered);
	tk__hands_held_end();
}
