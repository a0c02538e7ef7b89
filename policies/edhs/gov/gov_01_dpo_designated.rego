# METADATA
# title: A data protection officer is designated and reachable
# description: |
#   The platform names a data protection officer and publishes a contact address, an
#   email address or a web address, that voters and election management bodies can use.
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/reg/2016/679/oj#art_37
#     description: GDPR Art 37–39
# custom:
#   id: GOV-01
#   severity: high
#   aceeeo: [R3]
#   rationale: |
#     An election management body needs an accountable counterpart for questions about
#     voters' data, and voters need someone to turn to.
#   applies_when: Always.
#   remediation: Designate a data protection officer and publish an email address or web address to reach them.
#   basis: law
#   references:
#   - cites: GDPR Art 37–39
#     state: confirmed
#     words: 'Art 37(7): "shall publish the contact details of the data protection officer and
#       communicate them to the supervisory authority"; Art 38(4) data subjects may contact
#       the DPO'
#     read_in: the Official Journal text (copy in github.com/kasnder/eur-lex-visualiser, commit
#       0fc8465)
package edhs.gov.dpo_designated

import data.edhs.lib
import rego.v1

default applicable := true

designated_field := ["governance", "dpo", "designated"]

contact_field := ["governance", "dpo", "contact"]

dpo_designated if input.governance.dpo.designated == true

dpo_reachable if lib.email_address(input.governance.dpo.contact)

dpo_reachable if lib.web_address(input.governance.dpo.contact)

deny contains lib.finding(designated_field, msg) if {
	not dpo_designated
	msg := lib.message(
		"governance.dpo.designated is {declared}; the standard requires a designated data protection officer",
		{"declared": lib.declared(designated_field)},
	)
}

deny contains lib.finding(contact_field, msg) if {
	not dpo_reachable
	msg := lib.message(
		"governance.dpo.contact is {declared}; the standard requires an email address or web address where voters and EMBs can reach the data protection officer",
		{"declared": lib.declared(contact_field)},
	)
}
