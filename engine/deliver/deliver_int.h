/*
 * deliver_int.h - private to engine/deliver/: the transports deliver_send chooses from.
 */
#ifndef DABIAO_DELIVER_INT_H
#define DABIAO_DELIVER_INT_H

#include "engine/deliver/deliver.h"

/* deliver_smtp.c: a DELIVER_SMTP batch over cfg->connections sessions, each in an SMTP
 * helper process (hs's, kept; or, hs NULL, one of its own). */
void deliver_smtp_send(const struct config *cfg, struct deliver_helpers *hs,
                       struct deliver_batch *b, int cancel_fd,
                       void (*done)(size_t i, void *arg), void *arg);

#endif
