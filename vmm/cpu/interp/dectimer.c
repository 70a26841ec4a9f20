/*
 * The decrementer's alarm: a host thread per vCPU that sets ATT_IRQ when
 * the guest's DEC turns negative (Book III 6.5), so a vCPU spinning in a
 * loop -- or an executor that never reaches lookup -- still takes the
 * interrupt.  DEC itself is computed from the timebase on every read;
 * the timer only says "look now".
 */
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "ppc.h"

struct dec_timer {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    struct ppc_cpu *cpu;
    uint64_t deadline_ns; /* CLOCK_MONOTONIC; 0 = disarmed */
    bool stop;
};

uint64_t ppc_host_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void *dec_timer_main(void *arg)
{
    struct dec_timer *t = arg;

    pthread_mutex_lock(&t->lock);
    while (!t->stop) {
        if (!t->deadline_ns) {
            pthread_cond_wait(&t->cond, &t->lock);
        } else if (ppc_host_ns() >= t->deadline_ns) {
            t->deadline_ns = 0;
            __atomic_or_fetch(&t->cpu->attention, ATT_IRQ, __ATOMIC_RELEASE);
        } else {
            struct timespec ts = {.tv_sec = (time_t)(t->deadline_ns / 1000000000ull),
                                  .tv_nsec = (long)(t->deadline_ns % 1000000000ull)};
            pthread_cond_timedwait(&t->cond, &t->lock, &ts);
        }
    }
    pthread_mutex_unlock(&t->lock);
    return NULL;
}

struct dec_timer *dec_timer_new(struct ppc_cpu *cpu)
{
    struct dec_timer *t = calloc(1, sizeof(*t));
    pthread_condattr_t attr;

    if (!t)
        return NULL;
    t->cpu = cpu;
    pthread_mutex_init(&t->lock, NULL);
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&t->cond, &attr);
    pthread_condattr_destroy(&attr);
    if (pthread_create(&t->thread, NULL, dec_timer_main, t) != 0) {
        free(t);
        return NULL;
    }
    return t;
}

void dec_timer_free(struct dec_timer *t)
{
    if (!t)
        return;
    pthread_mutex_lock(&t->lock);
    t->stop = true;
    pthread_cond_signal(&t->cond);
    pthread_mutex_unlock(&t->lock);
    pthread_join(t->thread, NULL);
    pthread_cond_destroy(&t->cond);
    pthread_mutex_destroy(&t->lock);
    free(t);
}

uint64_t dec_timer_deadline(struct dec_timer *t)
{
    uint64_t d;
    pthread_mutex_lock(&t->lock);
    d = t->deadline_ns;
    pthread_mutex_unlock(&t->lock);
    return d;
}

void ppc_dec_rearm(struct ppc_cpu *cpu)
{
    struct dec_timer *t = cpu->dectimer;
    int64_t dec = ppc_dec_value(cpu);
    uint64_t deadline = 0;

    cpu->dec_icount_at = ~0ull;
    if (dec < 0) {
        /* Already pending (level-triggered): let lookup see it. */
        __atomic_or_fetch(&cpu->attention, ATT_IRQ, __ATOMIC_RELEASE);
    } else if (tb_icount_shift >= 0) {
        /* -icount: after enough instructions, not at a host time. */
        uint64_t ticks = (uint64_t)dec + 1;
        cpu->dec_icount_at =
            cpu->icount + (ticks >> tb_icount_shift) + !!(ticks & ((1ull << tb_icount_shift) - 1));
    } else {
        /* DEC goes negative after dec + 1 ticks of the 512 MHz timebase. */
        uint64_t ticks = (uint64_t)dec + 1;
        deadline = ppc_host_ns() + ticks / 64 * 125 + ((ticks % 64) * 125 + 63) / 64;
    }
    if (!t)
        return;
    pthread_mutex_lock(&t->lock);
    t->deadline_ns = deadline;
    pthread_cond_signal(&t->cond);
    pthread_mutex_unlock(&t->lock);
}

void ppc_icount_dec_due(struct ppc_cpu *cpu)
{
    cpu->dec_icount_at = ~0ull;
    __atomic_or_fetch(&cpu->attention, ATT_IRQ, __ATOMIC_RELEASE);
}
