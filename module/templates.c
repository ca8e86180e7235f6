/*  Copyright (C) 2026 mod-mailsrv authors
 *  SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libknot/rrtype/naptr.h>

#include "module/templates.h"

/*! \brief Names in one template's rdata that an answer may rewrite. */
#define NAMES_MAX	4

/*! \brief One record template. */
typedef struct mailsrv_template {
	uint8_t *data;              /*!< Rdata, relative names ending in the origin. */
	uint16_t len;
	uint8_t names;              /*!< Names in the rdata (at most NAMES_MAX). */
	uint8_t relative;           /*!< Bit per name: relative to D. */
	uint16_t name_at[NAMES_MAX];
	bool own_target;            /*!< The last name is the domain's own target. */
} template_t;

mailsrv_templates_t *mailsrv_templates_new(void)
{
	return calloc(1, sizeof(mailsrv_templates_t));
}

static void rrset_clear(mailsrv_rrset_t *rrset)
{
	for (size_t i = 0; i < rrset->count; i++) {
		free(rrset->templates[i].data);
	}
	free(rrset->templates);
	free(rrset->prepared.rdata);
}

void mailsrv_templates_free(mailsrv_templates_t *templates)
{
	if (templates == NULL) {
		return;
	}
	for (size_t i = 0; i < templates->count; i++) {
		mailsrv_node_t *node = &templates->nodes[i];
		for (size_t j = 0; j < node->count; j++) {
			rrset_clear(&node->rrsets[j]);
		}
		free(node->rrsets);
		free(node->owner);
	}
	free(templates->nodes);
	free(templates);
}

/*! \brief Grows an array to hold \a count + 1 items (free() on failure is
 *         the caller's). */
static bool grow(void **array, size_t count, size_t item)
{
	void *grown = realloc(*array, (count + 1) * item);
	if (grown != NULL) {
		*array = grown;
	}

	return grown != NULL;
}

/*! \brief Is a name relative to the mail domain (at or below the origin)? */
static bool is_relative(const uint8_t *name)
{
	return knot_dname_in_bailiwick(name, MAILSRV_TEMPLATE_ORIGIN_WIRE) >= 0;
}

/*! \brief Is the origin's wire (a relative name's end) in \a len bytes at
 *         \a data? */
static bool has_origin(const uint8_t *data, size_t len)
{
	return memmem(data, len, MAILSRV_TEMPLATE_ORIGIN_WIRE, MAILSRV_TEMPLATE_ORIGIN_SIZE) != NULL;
}

/*!
 * \brief Finds the names of a template's rdata by the type's rdata
 *        descriptor (as knot_rrset_rr_to_canonical() does), and checks that
 *        the rdata is what the type has: the scanner takes any generic
 *        rdata ("\\# 3 000a3f") for a known type.
 */
static int find_names(template_t *tpl, uint16_t type, char reason[MAILSRV_REASON_SIZE])
{
	const knot_rdata_descriptor_t *desc = knot_get_rdata_descriptor(type);
	const uint8_t *pos = tpl->data, *end = tpl->data + tpl->len;
	const uint8_t *plain = pos; // Where the bytes that are no names begin.
	for (const int *block = desc->block_types; *block != KNOT_RDATA_WF_END && pos < end;
	     block++) {
		int size;
		switch (*block) {
		case KNOT_RDATA_WF_COMPRESSIBLE_DNAME:
		case KNOT_RDATA_WF_DECOMPRESSIBLE_DNAME:
		case KNOT_RDATA_WF_FIXED_DNAME:
			if ((size = knot_dname_wire_check(pos, end, NULL)) <= 0 ||
			    tpl->names == NAMES_MAX || has_origin(plain, pos - plain)) {
				break;
			}
			tpl->relative |= is_relative(pos) ? 1U << tpl->names : 0;
			tpl->name_at[tpl->names++] = pos - tpl->data;
			plain = pos + size;
			break;
		case KNOT_RDATA_WF_NAPTR_HEADER:
			size = knot_naptr_header_size(pos, end);
			break;
		case KNOT_RDATA_WF_REMAINDER:
			size = end - pos;
			break;
		default:
			size = (*block <= end - pos) ? *block : 0;
			break;
		}
		if (size <= 0) {
			break;
		}
		pos += size;
	}

	char name[16];
	knot_rrtype_to_string(type, name, sizeof(name));
	if (pos != end) {
		snprintf(reason, MAILSRV_REASON_SIZE, "invalid %s rdata", name);
		return KNOT_EINVAL;
	}
	// A relative name where the descriptor has none (SVCB and HTTPS
	// targets before Knot DNS 3.5.4) would be answered as it is.
	if (has_origin(plain, end - plain)) {
		snprintf(reason, MAILSRV_REASON_SIZE, "a relative name in %s rdata (%s it "
		         "must be absolute)", name, tpl->names == NAMES_MAX ? "more than 4 names:" :
		         "here");
		return KNOT_EINVAL;
	}

	return KNOT_EOK;
}

/*! \brief Notes the sizes of a template's relative names (without the origin). */
static void note_relative(mailsrv_templates_t *templates, const template_t *tpl)
{
	for (unsigned i = 0; i < tpl->names; i++) {
		const uint8_t *name = tpl->data + tpl->name_at[i];
		if (!(tpl->relative & (1U << i))) {
			continue;
		}
		size_t prefix = knot_dname_size(name) - MAILSRV_TEMPLATE_ORIGIN_SIZE;
		mailsrv_relative_t *longest = &templates->longest;
		longest->without_own = prefix > longest->without_own ? prefix : longest->without_own;
		// The domain's own target replaces the last name of an SRV record.
		if (!(tpl->own_target && i + 1 == tpl->names) && prefix > longest->all) {
			longest->all = prefix;
		}
	}
}

/*! \brief Writes a relative owner as text for a message (without a dot). */
static const char *owner_text(const uint8_t *owner, size_t size, char *txt)
{
	uint8_t name[KNOT_DNAME_MAXLEN];
	memcpy(name, owner, size);
	name[size] = '\0';
	size_t len = mailsrv_name_raw_text(name, txt);
	txt[len - 1] = '\0';

	return txt;
}

/*! \brief The node of an owner, a new one if none. */
static mailsrv_node_t *node_get(mailsrv_templates_t *templates, const uint8_t *owner,
                                size_t size)
{
	for (size_t i = 0; i < templates->count; i++) {
		mailsrv_node_t *node = &templates->nodes[i];
		if (node->size == size && memcmp(node->owner, owner, size) == 0) {
			return node;
		}
	}
	if (templates->count == templates->room) {
		size_t room = 2 * templates->room + 8;
		mailsrv_node_t *grown = realloc(templates->nodes, room * sizeof(*grown));
		if (grown == NULL) {
			return NULL;
		}
		templates->nodes = grown;
		templates->room = room;
	}
	mailsrv_node_t *node = &templates->nodes[templates->count];
	*node = (mailsrv_node_t){ .owner = malloc(size), .size = size };
	if (node->owner == NULL) {
		return NULL;
	}
	memcpy(node->owner, owner, size);
	templates->count++;

	return node;
}

/*! \brief The node's RRset of a type, a new one if none. */
static mailsrv_rrset_t *rrset_get(mailsrv_node_t *node, uint16_t type, uint16_t counter)
{
	for (size_t i = 0; i < node->count; i++) {
		if (node->rrsets[i].type == type) {
			return &node->rrsets[i];
		}
	}
	if (!grow((void **)&node->rrsets, node->count, sizeof(*node->rrsets))) {
		return NULL;
	}
	mailsrv_rrset_t *rrset = &node->rrsets[node->count++];
	*rrset = (mailsrv_rrset_t){ .type = type, .counter = counter };

	return rrset;
}

/*! \brief Is the name \a above (relative labels) a parent of \a below? */
static bool is_above(const uint8_t *above, size_t above_size, const uint8_t *below,
                     size_t below_size)
{
	for (size_t at = 0; at < below_size; at += 1 + below[at]) {
		if (below_size - at == above_size && at > 0) {
			return memcmp(below + at, above, above_size) == 0;
		}
	}

	return false;
}

/*!
 * \brief Finds a CNAME owner above \a owner, or (for a CNAME at \a owner) an
 *        owner below it: a CNAME's name has no names below it here, as an
 *        alias of a name that has them makes no sense to resolvers.
 */
static const mailsrv_node_t *cname_conflict(const mailsrv_templates_t *templates,
                                            const uint8_t *owner, size_t size, bool cname)
{
	for (size_t i = 0; i < templates->count; i++) {
		const mailsrv_node_t *node = &templates->nodes[i];
		bool node_cname = node->count > 0 && node->rrsets[0].type == KNOT_RRTYPE_CNAME;
		if ((node_cname && is_above(node->owner, node->size, owner, size)) ||
		    (cname && is_above(owner, size, node->owner, node->size))) {
			return node;
		}
	}

	return NULL;
}

int mailsrv_templates_add(mailsrv_templates_t *templates, const uint8_t *owner, size_t size,
                          uint16_t type, const uint8_t *rdata, size_t len, unsigned flags,
                          uint16_t counter, char reason[MAILSRV_REASON_SIZE])
{
	bool cname = type == KNOT_RRTYPE_CNAME;
	const mailsrv_node_t *conflict = cname_conflict(templates, owner, size, cname);
	if (conflict != NULL) {
		char txt[KNOT_DNAME_TXT_MAXLEN + 1], other[KNOT_DNAME_TXT_MAXLEN + 1];
		bool above = conflict->size < size;
		snprintf(reason, MAILSRV_REASON_SIZE, "a CNAME at '%.40s' above data at '%.40s'",
		         above ? owner_text(conflict->owner, conflict->size, other) :
		                 owner_text(owner, size, txt),
		         above ? owner_text(owner, size, txt) :
		                 owner_text(conflict->owner, conflict->size, other));
		return KNOT_EINVAL;
	}
	mailsrv_node_t *node = node_get(templates, owner, size);
	if (node == NULL) {
		return KNOT_ENOMEM;
	}
	if (node->count > 0 && (cname || node->rrsets[0].type == KNOT_RRTYPE_CNAME)) {
		char txt[KNOT_DNAME_TXT_MAXLEN + 1];
		snprintf(reason, MAILSRV_REASON_SIZE, "a CNAME beside other data at '%.80s'",
		         owner_text(owner, size, txt));
		return KNOT_EINVAL;
	}

	template_t tpl = { .len = len, .data = malloc(len > 0 ? len : 1),
	                   .own_target = flags & MAILSRV_TEMPLATE_OWN_TARGET };
	if (tpl.data == NULL) {
		return KNOT_ENOMEM;
	}
	memcpy(tpl.data, rdata, len);
	int ret = find_names(&tpl, type, reason);
	mailsrv_rrset_t *rrset = NULL;
	if (ret == KNOT_EOK && ((rrset = rrset_get(node, type, counter)) == NULL ||
	                        !grow((void **)&rrset->templates, rrset->count,
	                              sizeof(*rrset->templates)))) {
		ret = KNOT_ENOMEM;
	}
	if (ret != KNOT_EOK) {
		free(tpl.data);
		return ret;
	}
	// A record listed twice is one record (as in a zone).
	for (size_t i = 0; i < rrset->count; i++) {
		const template_t *other = &rrset->templates[i];
		if (other->len == tpl.len && other->own_target == tpl.own_target &&
		    memcmp(other->data, tpl.data, tpl.len) == 0) {
			free(tpl.data);
			return KNOT_EOK;
		}
	}
	rrset->templates[rrset->count++] = tpl;
	rrset->own_target |= tpl.own_target;
	rrset->relative |= tpl.relative != 0;
	note_relative(templates, &tpl);

	return KNOT_EOK;
}

/*! \brief Adds the empty non-terminals above each owner. */
static int add_parents(mailsrv_templates_t *templates)
{
	size_t owners = templates->count;
	for (size_t i = 0; i < owners; i++) {
		// The node array may move: copy the owner.
		uint8_t owner[KNOT_DNAME_MAXLEN];
		size_t size = templates->nodes[i].size;
		memcpy(owner, templates->nodes[i].owner, size);
		for (size_t at = 1 + owner[0]; at < size; at += 1 + owner[at]) {
			if (node_get(templates, owner + at, size - at) == NULL) {
				return KNOT_ENOMEM;
			}
		}
	}

	return KNOT_EOK;
}

static int node_order(const void *a, const void *b)
{
	const mailsrv_node_t *x = a, *y = b;
	if (x->owner[0] != y->owner[0]) {
		return x->owner[0] - y->owner[0];
	}

	return y->size - x->size; // The most labels first: the longest match wins.
}

/*! \brief Prepares the records of an RRset that are the same for every domain. */
static int prepare(mailsrv_rrset_t *rrset)
{
	if (rrset->relative) {
		return KNOT_EOK;
	}
	knot_rdataset_t *rrs = &rrset->prepared;
	for (size_t i = 0; i < rrset->count; i++) {
		rrs->size += knot_rdata_size(rrset->templates[i].len);
	}
	if ((rrs->rdata = malloc(rrs->size)) == NULL) {
		return KNOT_ENOMEM;
	}
	knot_rdata_t *rdata = rrs->rdata;
	for (size_t i = 0; i < rrset->count; i++) {
		knot_rdata_init(rdata, rrset->templates[i].len, rrset->templates[i].data);
		rdata = knot_rdataset_next(rdata);
	}
	rrs->count = rrset->count;

	return KNOT_EOK;
}

int mailsrv_templates_finish(mailsrv_templates_t *templates)
{
	int ret = add_parents(templates);
	for (size_t i = 0; i < templates->count && ret == KNOT_EOK; i++) {
		mailsrv_node_t *node = &templates->nodes[i];
		for (size_t j = 0; j < node->count && ret == KNOT_EOK; j++) {
			ret = prepare(&node->rrsets[j]);
		}
	}
	if (ret != KNOT_EOK) {
		return ret;
	}

	if (templates->count > 0) {
		qsort(templates->nodes, templates->count, sizeof(*templates->nodes), node_order);
	}
	size_t n = 0;
	for (unsigned len = 0; len <= 64; len++) {
		templates->first[len] = n;
		while (n < templates->count && templates->nodes[n].owner[0] == len) {
			templates->first_lengths |= 1ULL << len;
			n++;
		}
	}

	return KNOT_EOK;
}

size_t mailsrv_templates_write_target(uint8_t *out, const mailsrv_target_t *target)
{
	memcpy(out, target->wire, target->size);
	if (!target->relative) {
		return target->size;
	}
	memcpy(out + target->size, MAILSRV_TEMPLATE_ORIGIN_WIRE, MAILSRV_TEMPLATE_ORIGIN_SIZE);

	return target->size + MAILSRV_TEMPLATE_ORIGIN_SIZE;
}

uint64_t mailsrv_templates_first_lengths(const mailsrv_templates_t *templates)
{
	return templates->first_lengths;
}

mailsrv_relative_t mailsrv_templates_longest_relative(const mailsrv_templates_t *templates)
{
	return templates->longest;
}

void mailsrv_templates_each(const mailsrv_templates_t *templates,
                           void (*f)(const mailsrv_rrset_t *rrset, void *ctx), void *ctx)
{
	for (size_t i = 0; i < templates->count; i++) {
		const mailsrv_node_t *node = &templates->nodes[i];
		for (size_t j = 0; j < node->count; j++) {
			f(&node->rrsets[j], ctx);
		}
	}
}

const mailsrv_rrset_t *mailsrv_node_next(const mailsrv_node_t *node,
                                         const mailsrv_rrset_t *rrset)
{
	return (rrset + 1 < node->rrsets + node->count) ? rrset + 1 : NULL;
}

/*! \brief Writes \a size bytes of a name, a relative one before \a domain;
 *         0 if that makes a name longer than 255 bytes. */
static size_t write_name(uint8_t *out, const uint8_t *wire, size_t size, bool relative,
                         const uint8_t *domain, size_t domain_size)
{
	memcpy(out, wire, size);
	if (!relative) {
		return size;
	}
	if (!mailsrv_relative_fits(size, domain_size)) {
		return 0;
	}
	memcpy(out + size, domain, domain_size);

	return size + domain_size;
}

/*! \brief Writes a template's rdata for a domain, 0 if a name does not fit. */
static size_t write_rdata(uint8_t *out, const template_t *tpl, const uint8_t *domain,
                          size_t domain_size, const mailsrv_target_t *own)
{
	size_t len = 0, from = 0;
	for (unsigned i = 0; i < tpl->names; i++) {
		size_t at = tpl->name_at[i];
		memcpy(out + len, tpl->data + from, at - from);
		len += at - from;
		const uint8_t *name = tpl->data + at;
		size_t size = knot_dname_size(name);
		from = at + size;
		bool relative = tpl->relative & (1U << i);
		if (tpl->own_target && own != NULL && i + 1 == tpl->names) {
			size = write_name(out + len, own->wire, own->size, own->relative,
			                  domain, domain_size);
		} else {
			size = write_name(out + len, name, size - (relative ?
			                  MAILSRV_TEMPLATE_ORIGIN_SIZE : 0), relative,
			                  domain, domain_size);
		}
		if (size == 0) {
			return 0;
		}
		len += size;
	}
	memcpy(out + len, tpl->data + from, tpl->len - from);

	return len + tpl->len - from;
}

int mailsrv_rrset_records(const mailsrv_rrset_t *rrset, const uint8_t *domain,
                          size_t domain_size, const mailsrv_target_t *own, knot_mm_t *mm,
                          knot_rdataset_t *out)
{
	const knot_rdataset_t *prepared = mailsrv_rrset_prepared(rrset, own);
	if (prepared != NULL) {
		*out = *prepared;
		return KNOT_EOK;
	}

	// Each name grows by at most the domain's size (a root name by a target).
	size_t room = 0;
	for (size_t i = 0; i < rrset->count; i++) {
		room += knot_rdata_size(rrset->templates[i].len +
		                        rrset->templates[i].names * KNOT_DNAME_MAXLEN);
	}
	knot_rdata_t *rdata = mm->alloc(mm->ctx, room);
	if (rdata == NULL) {
		return KNOT_ENOMEM;
	}
	out->count = rrset->count;
	out->rdata = rdata;
	out->size = 0;
	for (size_t i = 0; i < rrset->count; i++) {
		size_t len = write_rdata(rdata->data, &rrset->templates[i], domain, domain_size, own);
		if (len == 0 && rrset->templates[i].len > 0) {
			return KNOT_ESPACE;
		}
		rdata->len = len;
		if (len & 1) {
			rdata->data[len] = 0;
		}
		out->size += knot_rdata_size(len);
		rdata = knot_rdataset_next(rdata);
	}

	return KNOT_EOK;
}
