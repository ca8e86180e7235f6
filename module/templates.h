/*  Copyright (C) 2026 mod-mailsrv authors
 *  SPDX-License-Identifier: GPL-3.0-or-later
 */

/*!
 * \file
 *
 * \brief Record templates of one configuration: the records every mail
 *        domain D has below it, and which of them a query name asks for.
 *
 * A template is a record at OWNER.D, OWNER relative to D and never empty.
 * Its rdata is wire format in which a name relative to D ends with
 * MAILSRV_TEMPLATE_ORIGIN; such names are written before D per answer.
 * Templates of one owner and type form one RRset; the owners and every name
 * between D and an owner (empty non-terminals, such as _tcp.D) are the
 * nodes, found from a query name by the length of its first label and a
 * comparison in place (inline: on every query), built once per
 * configuration.
 *
 * Invariants after mailsrv_templates_finish(): a node with a CNAME has no
 * other RRset; an RRset without relative names and without the domain's own
 * target is prepared once (an answer points at it).
 */

#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <libknot/libknot.h>

#include "module/name.h"

/*! \brief The origin of names relative to the mail domain in template rdata. */
#define MAILSRV_TEMPLATE_ORIGIN		"mail-domain.mailsrv.invalid."
#define MAILSRV_TEMPLATE_ORIGIN_WIRE	(const uint8_t *)"\x0b""mail-domain\x07""mailsrv\x07""invalid"
#define MAILSRV_TEMPLATE_ORIGIN_SIZE	29

/*! \brief One record template (templates.c). */
struct mailsrv_template;

/*
 * The structures below are built by templates.c alone; answers read them
 * through the inline functions at the end of this file, on the query path.
 */

/*! \brief The records of one owner and type. */
typedef struct {
	uint16_t type;
	uint16_t counter;          /*!< The counter given to its first template. */
	uint16_t count;            /*!< Templates. */
	bool own_target;           /*!< A template has the domain's own target. */
	bool relative;             /*!< A template has a relative name. */
	struct mailsrv_template *templates;
	knot_rdataset_t prepared;  /*!< The records for every domain without its own
	                                target, if without relative names (count 0:
	                                none, written per domain). */
} mailsrv_rrset_t;

/*! \brief One node: an owner, or an empty non-terminal above one. */
typedef struct {
	uint8_t *owner;            /*!< Relative labels, lower case. */
	uint8_t size;
	uint16_t count;            /*!< RRsets (0: an empty non-terminal). */
	mailsrv_rrset_t *rrsets;
} mailsrv_node_t;

/*! \brief The templates of one configuration. */
typedef struct {
	mailsrv_node_t *nodes;     /*!< By the length of the first label, then the
	                                most labels first (once finished). */
	size_t count, room;
	uint16_t first[65];        /*!< Nodes of first label length L: first[L] to
	                                first[L + 1] - 1. */
	uint64_t first_lengths;
	mailsrv_relative_t longest;
} mailsrv_templates_t;

/*! \brief Flags of mailsrv_templates_add(). */
enum {
	/*! The rdata's last name is the domain's own target, if it has one. */
	MAILSRV_TEMPLATE_OWN_TARGET = 1 << 0,
};

/*! \brief New templates, none yet (NULL if out of memory). */
mailsrv_templates_t *mailsrv_templates_new(void);

/*! \brief Frees the templates. */
void mailsrv_templates_free(mailsrv_templates_t *templates);

/*!
 * \brief Adds a record template.
 *
 * \param owner    Relative owner: labels without the root label, lower case.
 * \param size     Its size (at least one label).
 * \param type     Data type (the caller refuses those of the zone).
 * \param rdata    Wire-format rdata (names relative to D end in the origin).
 * \param len      Its length.
 * \param flags    MAILSRV_TEMPLATE_* flags.
 * \param counter  The statistics counter of its answers (the caller's id).
 * \param reason   Why the template is refused.
 *
 * \return KNOT_EOK, KNOT_EINVAL (with \a reason), KNOT_ENOMEM.
 */
int mailsrv_templates_add(mailsrv_templates_t *templates, const uint8_t *owner, size_t size,
                          uint16_t type, const uint8_t *rdata, size_t len, unsigned flags,
                          uint16_t counter, char reason[MAILSRV_REASON_SIZE]);

/*!
 * \brief Makes the nodes, their index and the prepared records; no template
 *        may be added afterwards.
 *
 * \return KNOT_EOK, KNOT_ENOMEM.
 */
int mailsrv_templates_finish(mailsrv_templates_t *templates);

/*!
 * \brief Writes a target as a template name: a relative one before the
 *        origin.
 *
 * \return Bytes written (at most KNOT_DNAME_MAXLEN + the origin's size).
 */
size_t mailsrv_templates_write_target(uint8_t *out, const mailsrv_target_t *target);

/*! \brief Bit per length of the first labels of the nodes' names. */
uint64_t mailsrv_templates_first_lengths(const mailsrv_templates_t *templates);

/*! \brief The longest relative names (without the origin) the records put
 *         before a mail domain. */
mailsrv_relative_t mailsrv_templates_longest_relative(const mailsrv_templates_t *templates);

/*! \brief Calls \a f for every RRset. */
void mailsrv_templates_each(const mailsrv_templates_t *templates,
                           void (*f)(const mailsrv_rrset_t *rrset, void *ctx), void *ctx);

/*! \brief The RRset after \a rrset in a node (for ANY), NULL after the last. */
const mailsrv_rrset_t *mailsrv_node_next(const mailsrv_node_t *node,
                                         const mailsrv_rrset_t *rrset);

/*!
 * \brief The records of an RRset for a mail domain: the prepared ones (where
 *        the same for every domain), or written into \a mm.
 *
 * \param domain       Lower-case mail domain.
 * \param domain_size  Its size.
 * \param own          The domain's own target (or NULL).
 * \param mm           Memory of the answer.
 * \param out          Output: the records (they live as long as \a mm, or
 *                     as the templates).
 *
 * \return KNOT_EOK, KNOT_ESPACE (a name longer than 255 bytes), KNOT_ENOMEM.
 */
int mailsrv_rrset_records(const mailsrv_rrset_t *rrset, const uint8_t *domain,
                          size_t domain_size, const mailsrv_target_t *own, knot_mm_t *mm,
                          knot_rdataset_t *out);

/*!
 * \brief The node of a query name: the one of its first labels (in any
 *        letter case) with the most labels, before a non-root name D, which
 *        is \a qname after mailsrv_node_size() bytes.
 *
 * \param qname_size  Size of \a qname.
 *
 * \return The node, NULL if none.
 */
static inline const mailsrv_node_t *mailsrv_templates_find(const mailsrv_templates_t *templates,
                                                           const uint8_t *qname,
                                                           size_t qname_size)
{
	// A label is at most 63 bytes long; the mask only keeps a wrong one
	// inside the index. Equal bytes are equal labels: the label lengths are
	// compared as they are.
	unsigned len = qname[0] & 63;
	const mailsrv_node_t *node = templates->nodes + templates->first[len];
	const mailsrv_node_t *end = templates->nodes + templates->first[len + 1];
	for (; node < end; node++) {
		if ((size_t)node->size + 1 < qname_size &&
		    mailsrv_wire_is(qname, node->owner, node->size)) {
			return node;
		}
	}

	return NULL;
}

/*! \brief The size of a node's name (relative labels). */
static inline size_t mailsrv_node_size(const mailsrv_node_t *node)
{
	return node->size;
}

/*!
 * \brief The RRset of a node that answers a query type: the type's, a CNAME
 *        for every type, the first RRset for ANY.
 *
 * \return The RRset, NULL if none (an empty non-terminal has none).
 */
static inline const mailsrv_rrset_t *mailsrv_node_rrset(const mailsrv_node_t *node,
                                                        uint16_t qtype)
{
	if (node->count > 0 && (qtype == KNOT_RRTYPE_ANY ||
	                        node->rrsets[0].type == KNOT_RRTYPE_CNAME)) {
		return &node->rrsets[0];
	}
	for (size_t i = 0; i < node->count; i++) {
		if (node->rrsets[i].type == qtype) {
			return &node->rrsets[i];
		}
	}

	return NULL;
}

/*! \brief The type of an RRset. */
static inline uint16_t mailsrv_rrset_type(const mailsrv_rrset_t *rrset)
{
	return rrset->type;
}

/*! \brief The counter given to the RRset's first template. */
static inline uint16_t mailsrv_rrset_counter(const mailsrv_rrset_t *rrset)
{
	return rrset->counter;
}

/*!
 * \brief The records of an RRset if they are the same for every domain (with
 *        its own target \a own, or NULL): they need no domain.
 *
 * \return The prepared records (as long as the templates), NULL if none.
 */
static inline const knot_rdataset_t *mailsrv_rrset_prepared(const mailsrv_rrset_t *rrset,
                                                            const mailsrv_target_t *own)
{
	return (rrset->prepared.count > 0 && (own == NULL || !rrset->own_target)) ?
	       &rrset->prepared : NULL;
}
