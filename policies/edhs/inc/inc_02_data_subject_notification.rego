# METADATA
# title: Affected voters are told about high-risk breaches
# description: |
#   When a personal-data breach is likely to put people at high risk, the platform tells
#   the affected users, voters among them, without undue delay.
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/reg/2016/679/oj#art_34
#     description: GDPR Art 34
# custom:
#   id: INC-02
#   severity: high
#   aceeeo: [R3, R5]
#   rationale: |
#     Voters who learn that their data leaked can protect themselves against the phishing,
#     pressure or manipulation that a breach around an election makes possible.
#   applies_when: Always.
#   remediation: Add the notification of affected data subjects to the breach response plan.
#   basis: law
#   references:
#   - cites: GDPR Art 34
#     state: confirmed
#     words: '"likely to result in a high risk … communicate the personal data breach to the
#       data subject without undue delay"'
#     read_in: the Official Journal text (copy in github.com/kasnder/eur-lex-visualiser, commit
#       0fc8465)
package edhs.inc.data_subject_notification

import data.edhs.lib
import rego.v1

default applicable := true

field := ["incident_response", "data_subject_notification"]

affected_voters_told if input.incident_response.data_subject_notification == true

deny contains lib.finding(field, msg) if {
	not affected_voters_told
	msg := lib.message(
		"incident_response.data_subject_notification is {declared}; the standard requires affected users to be told about breaches that put them at high risk",
		{"declared": lib.declared(field)},
	)
}
