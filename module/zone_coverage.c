/*  Copyright (C) 2026 mod-mailsrv authors
 *  SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <stdlib.h>
#include <string.h>

#include "module/zone_coverage.h"

/*! \brief Any total order of names (for sorting and binary search only). */
static int apex_cmp(const void *a, const void *b)
{
	const mailsrv_apex_t *x = a, *y = b;
	if (x->size != y->size) {
		return x->size < y->size ? -1 : 1;
	}

	return memcmp(x->name, y->name, x->size);
}

/*! \brief What mailsrv_coverage_count() passes to each domain. */
typedef struct {
	mailsrv_apex_t *apexes;
	size_t count;
	mailsrv_coverage_t *out;
} count_ctx_t;

/*! \brief The closest apex of \a name or one of its parents (NULL: none). */
static mailsrv_apex_t *closest_apex(const count_ctx_t *ctx, const uint8_t *name)
{
	if (ctx->count == 0) {
		return NULL;
	}
	size_t size = knot_dname_size(name);
	while (true) {
		mailsrv_apex_t key = { name, size };
		mailsrv_apex_t *found = bsearch(&key, ctx->apexes, ctx->count, sizeof(key), apex_cmp);
		if (found != NULL) {
			return found;
		}
		if (*name == 0) {
			return NULL;
		}
		size -= *name + 1;
		name += *name + 1;
	}
}

/*! \brief Counts a domain that no apex covers, keeping the first in DNS order. */
static void count_domain(const uint8_t *name, void *ctx_ptr)
{
	count_ctx_t *ctx = ctx_ptr;
	mailsrv_apex_t *apex = closest_apex(ctx, name);
	if (apex != NULL) {
		if (knot_dname_size(name) != apex->size) {
			apex->domains = MAILSRV_DOMAINS_ANY;
		}
		return;
	}
	mailsrv_coverage_t *out = ctx->out;
	if (out->outside++ == 0 || knot_dname_cmp(name, out->first) < 0) {
		memcpy(out->first, name, knot_dname_size(name));
	}
}

/*! \brief The domains of a zone with none listed below its apex. */
static mailsrv_domains_t apex_domains(const mailsrv_table_t *table, const mailsrv_apex_t *apex)
{
	const mailsrv_target_t *target;
	if (!mailsrv_table_lookup(table, apex->name, apex->size, &target)) {
		return MAILSRV_DOMAINS_NONE;
	}

	return target == NULL ? MAILSRV_DOMAINS_APEX_DEFAULT : MAILSRV_DOMAINS_APEX;
}

void mailsrv_coverage_count(const mailsrv_table_t *table, mailsrv_apex_t *apexes,
                            size_t count, mailsrv_coverage_t *out)
{
	memset(out, 0, sizeof(*out));
	if (count > 0) {
		qsort(apexes, count, sizeof(*apexes), apex_cmp);
	}
	for (size_t i = 0; i < count; i++) {
		apexes[i].domains = MAILSRV_DOMAINS_NONE; // nothing below found yet
	}
	count_ctx_t ctx = { apexes, count, out };
	mailsrv_table_foreach(table, count_domain, &ctx);

	// The same zone twice (old and new instances during a reload): the
	// search marked one of them.
	for (size_t start = 0, end; start < count; start = end) {
		bool below = false;
		for (end = start; end < count && apex_cmp(&apexes[end], &apexes[start]) == 0; end++) {
			below |= (apexes[end].domains == MAILSRV_DOMAINS_ANY);
		}
		mailsrv_domains_t domains = below ? MAILSRV_DOMAINS_ANY :
		                            apex_domains(table, &apexes[start]);
		for (size_t i = start; i < end; i++) {
			apexes[i].domains = domains;
		}
	}
}
