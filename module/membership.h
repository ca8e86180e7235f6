/*  Copyright (C) 2026 mod-mailsrv authors
 *  SPDX-License-Identifier: GPL-3.0-or-later
 */

/*!
 * \file
 *
 * \brief Mail domains by the zone's own data ('domain-mx'): the apex of a
 *        zone is a mail domain if its apex MX points at one of the
 *        provider's hosts. The MX travels to secondaries with the zone, so
 *        that they need no list. ('domain-apex', every apex, is a flag of
 *        the answer settings.)
 *
 * The MX is read from the zone when a query needs it: a change of the MX
 * (a reload, a transfer) changes the membership with the next query.
 */

#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <knot/module.h>

#include "module/name.h"

/*! \brief The hosts of 'domain-mx' (opaque). */
typedef struct mailsrv_membership mailsrv_membership_t;

/*!
 * \brief Checks a 'domain-mx' host: a host name, or '*.' and a host name
 *        for every host below it.
 *
 * \retval true if valid.
 */
bool mailsrv_membership_host_check(const uint8_t *host, char reason[MAILSRV_REASON_SIZE]);

/*!
 * \brief Makes the 'domain-mx' rules of a configuration.
 *
 * \param out    Output, NULL if there are no hosts (free with
 *               mailsrv_membership_free()).
 * \param hosts  The hosts (checked with mailsrv_membership_host_check()).
 * \param count  Number of \a hosts.
 *
 * \return KNOT_EOK, KNOT_ENOMEM.
 */
int mailsrv_membership_new(mailsrv_membership_t **out, const uint8_t *const *hosts,
                           size_t count);

void mailsrv_membership_free(mailsrv_membership_t *membership);

/*! \brief Does an MX RRset point at one of the hosts? */
bool mailsrv_membership_mx(const mailsrv_membership_t *membership, const knot_rrset_t *mx);

/*! \brief Does the apex MX of the query's zone point at one of the hosts? */
bool mailsrv_membership_apex(const mailsrv_membership_t *membership, knotd_qdata_t *qdata);
