/*  Copyright (C) 2026 mod-mailsrv authors
 *  SPDX-License-Identifier: GPL-3.0-or-later
 */

/*!
 * \file
 *
 * \brief Host names of mail domains and SRV targets: syntax and wire format.
 *
 * Mail domains and targets are host names (RFC 1123 letters, digits and
 * hyphens); anything else is refused with a reason.
 */

#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <libknot/consts.h>

/*! \brief Room for an error message (a path, a line number and a reason). */
#define MAILSRV_ERR_SIZE	512

/*! \brief Room for the reason why a name is refused. */
#define MAILSRV_REASON_SIZE	128

/*! \brief A parsed host name in lower-case wire format. */
typedef struct {
	uint8_t wire[KNOT_DNAME_MAXLEN]; /*!< Labels; root label if absolute. */
	size_t size;                     /*!< Bytes used in wire. */
	bool absolute;                   /*!< Written with a trailing dot. */
} mailsrv_name_t;

/*! \brief Host-name bytes (RFC 1123 letters, digits, hyphen) in lower
 *         case; 0 for any other byte. */
extern const uint8_t mailsrv_host_byte[256];

/*! \brief An SRV target: absolute, or relative to each mail domain. */
typedef struct {
	bool relative;     /*!< Put before each mail domain. */
	uint8_t size;      /*!< Bytes in wire. */
	uint8_t wire[];    /*!< Absolute name, or the labels to put before the domain. */
} mailsrv_target_t;

/*! \brief Wire size of an uncompressed name: knot_dname_size() without
 *         the call, for the query path. */
static inline size_t mailsrv_name_size(const uint8_t *name)
{
	size_t size = 1;
	for (; *name != 0; name += *name + 1) {
		size += *name + 1;
	}

	return size;
}

/*! \brief Bytes of a target object (flag, size and wire). */
static inline size_t mailsrv_target_bytes(const mailsrv_target_t *target)
{
	return sizeof(*target) + target->size;
}

/*!
 * \brief Allocates a target object for a parsed name.
 *
 * \return New target (free with free()), NULL if out of memory.
 */
mailsrv_target_t *mailsrv_target_new(const mailsrv_name_t *name);

/*!
 * \brief Parses a host name from presentation format.
 *
 * IDN names in U-labels (UTF-8) are converted to A-labels (IDNA 2008 with
 * the UTS #46 mapping, as libidn2 does for lookups). A relative name is
 * stored without the root label. The root name "." is returned as an
 * absolute name of size 1; callers decide about it.
 *
 * \param txt     Text (not NUL-terminated).
 * \param len     Text length.
 * \param out     Parsed name.
 * \param reason  Why the name is refused.
 *
 * \retval true if valid.
 */
bool mailsrv_name_parse(const char *txt, size_t len, mailsrv_name_t *out,
                        char reason[MAILSRV_REASON_SIZE]);

/*!
 * \brief Is the name a host's? The root is not: refused with "'.' is not a
 *        host name (HINT)".
 */
bool mailsrv_name_is_host(const mailsrv_name_t *name, const char *hint,
                          char reason[MAILSRV_REASON_SIZE]);

/*! \brief Why a target is never the root. */
#define MAILSRV_TARGET_HINT	"use the 'unavailable' item"

/*!
 * \brief Parses an SRV or CNAME target (mailsrv_name_parse()): a host name,
 *        absolute or relative to each mail domain, never the root (a service
 *        that is not there is 'SRV 0 0 0 .', the 'unavailable' item).
 */
bool mailsrv_target_parse(const char *txt, size_t len, mailsrv_name_t *out,
                          char reason[MAILSRV_REASON_SIZE]);

/*!
 * \brief Sizes of the longest relative names (no root label) that records
 *        put before mail domains (0: none).
 */
typedef struct {
	size_t all;          /*!< Before every domain. */
	size_t without_own;  /*!< Before a domain without its own target: these
	                          and the SRV targets its own one replaces
	                          (at least \a all). */
} mailsrv_relative_t;

/*! \brief Does a relative name of \a size bytes (no root label) put before a
 *         domain of \a domain_size bytes make a name of at most 255 bytes? */
static inline bool mailsrv_relative_fits(size_t size, size_t domain_size)
{
	return size + domain_size <= KNOT_DNAME_MAXLEN;
}

/*!
 * \brief Writes a wire-format name as text with its raw label bytes
 *        (labels joined by dots, a trailing dot; "." for the root).
 *
 * \return Text length.
 */
size_t mailsrv_name_raw_text(const uint8_t *name, char txt[KNOT_DNAME_MAXLEN + 1]);

/*!
 * \brief Checks a wire-format name (from the configuration) as a host name,
 *        converting IDN U-labels like mailsrv_name_parse().
 *
 * \param name    Wire-format name (absolute).
 * \param out     The name, lower case, absolute.
 * \param reason  Why the name is refused.
 *
 * \retval true if valid.
 */
bool mailsrv_name_from_wire(const uint8_t *name, mailsrv_name_t *out,
                            char reason[MAILSRV_REASON_SIZE]);

/*!
 * \brief Are the \a len bytes of a wire-format name (or a part of one) those
 *        of \a lower (letters in lower case) in any letter case? Label
 *        length bytes (at most 63) must be equal.
 */
static inline bool mailsrv_wire_is(const uint8_t *wire, const uint8_t *lower, size_t len)
{
	// knotd passes lower-case names (doc/knotd-facts.md): memcmp() mostly
	// decides, faster than the loop below.
	if (memcmp(wire, lower, len) == 0) {
		return true;
	}
	// (c | 0x20) equals a lower-case letter only for that letter's two cases.
	for (size_t i = 0; i < len; i++) {
		uint8_t c = wire[i], l = lower[i];
		if (c != l && ((c | 0x20) != l || l < 'a' || l > 'z')) {
			return false;
		}
	}

	return true;
}

/*!
 * \brief Is \a label (wire) the label \a lower (wire, lower-case letters,
 *        digits, '-' and '_') in any letter case? On the query path: in
 *        place, without a lower-case copy.
 */
static inline bool mailsrv_label_is(const uint8_t *label, const uint8_t *lower)
{
	return label[0] == lower[0] && mailsrv_wire_is(label + 1, lower + 1, lower[0]);
}

/*!
 * \brief Writes \a len bytes of \a txt for a message: printable ASCII as
 *        is, other bytes as \\xNN, long text cut with "...".
 *
 * \return \a buf.
 */
const char *mailsrv_name_quote(const char *txt, size_t len, char *buf, size_t size);
