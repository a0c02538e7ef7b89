# METADATA
# title: Privileged access needs multi-factor authentication
# description: |
#   Every staff or contractor account that can reach election-related personal data or
#   ad systems logs in with phishing-resistant multi-factor authentication (by default
#   FIDO2, WebAuthn or a hardware token).
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/reg/2016/679/oj#art_32
#     description: GDPR Art 32
#   - ref: https://eur-lex.europa.eu/eli/dir/2022/2555/oj#art_21
#     description: NIS2 Art 21(2)(j)
# custom:
#   id: SEC-03
#   severity: critical
#   aceeeo: [R1]
#   rationale: |
#     A phished administrator password opens voters' data and the ad systems to an
#     attacker; SMS and one-time codes can be phished too, hardware-backed factors cannot.
#   applies_when: Always.
#   remediation: Enforce phishing-resistant multi-factor authentication on every privileged account.
#   basis: law+threshold
#   basis_note: GDPR Art 32 and NIS2 Art 21(2)(j) require multi-factor authentication where
#     appropriate; the phishing-resistant types are the standard's choice.
#   references:
#   - cites: GDPR Art 32
#     state: confirmed
#     words: '"appropriate technical and organisational measures to ensure a level of security
#       appropriate to the risk"'
#     read_in: the Official Journal text (copy in github.com/kasnder/eur-lex-visualiser, commit
#       0fc8465)
#   - cites: NIS2 Art 21(2)(j)
#     state: confirmed
#     words: '"(j) the use of multi-factor authentication or continuous authentication solutions
#       …, where appropriate"'
#     read_in: https://www.auditfront.com/frameworks/nis2/risk-management/art-21-2j
package edhs.sec.privileged_mfa

import data.edhs.lib
import rego.v1

default applicable := true

accepted_types := data.edhs.params.accepted_mfa_types

mfa_field := ["security", "access_control", "mfa_for_privileged"]

type_field := ["security", "access_control", "mfa_type"]

mfa_required if input.security.access_control.mfa_for_privileged == true

phishing_resistant if input.security.access_control.mfa_type in accepted_types

deny contains lib.finding(mfa_field, msg) if {
	not mfa_required
	msg := lib.message(
		"security.access_control.mfa_for_privileged is {declared}; the standard requires multi-factor authentication on every privileged account",
		{"declared": lib.declared(mfa_field)},
	)
}

deny contains lib.finding(type_field, msg) if {
	not phishing_resistant
	msg := lib.limit_message("accepted_mfa_types", 
		"security.access_control.mfa_type is {declared}; the standard requires a phishing-resistant factor: one of {accepted}",
		{"declared": lib.declared(type_field), "accepted": accepted_types},
	)
}
