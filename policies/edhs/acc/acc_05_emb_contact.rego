# METADATA
# title: The EMB has a named point of contact
# description: |
#   The declaration names a point of contact for election management bodies, with an
#   email address, serving every member state the declaration covers.
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/reg/2022/2065/oj#art_11
#     description: DSA Art 11–12 (points of contact)
#   - ref: https://aceeeo.org
#     description: ACEEEO Declaration on Security, Privacy and Integrity of Elections, R2
# custom:
#   id: ACC-05
#   severity: medium
#   aceeeo: [R2]
#   rationale: |
#     An EMB that does not know whom to write to loses the hours that matter when
#     something goes wrong during an election.
#   applies_when: Always.
#   remediation: Name an EMB contact with an email address for each covered jurisdiction.
#   basis: law+threshold
#   basis_note: DSA Art 11-12 require points of contact for authorities and for users; a contact
#     for the EMB of each covered jurisdiction is the standard's choice.
#   references:
#   - cites: DSA Art 11–12 (points of contact)
#     state: confirmed
#     words: 'Art 11: contact for "Member States’ authorities, the Commission and the Board";
#       Art 12: for "recipients of the service"'
#     read_in: the Official Journal text (copy in github.com/kasnder/eur-lex-visualiser, commit
#       0fc8465)
#   - cites: ACEEEO Declaration on Security, Privacy and Integrity of Elections, R2
#     state: unconfirmed
#     note: the declaration text was not found, so recommendation R2 could not be checked; the
#       association is reported dissolved on 11 March 2022 (https://wikious.com/en/Association_of_Central_and_Eastern_European_Election_Officials)
package edhs.acc.emb_contact

import data.edhs.lib
import rego.v1

default applicable := true

email_field := ["governance", "emb_contact", "email"]

jurisdictions_field := ["governance", "emb_contact", "jurisdictions"]

contact_has_email if lib.email_address(input.governance.emb_contact.email)

covered_jurisdictions := lib.jurisdictions

missing_jurisdictions := lib.missing(covered_jurisdictions, object.get(input, jurisdictions_field, []))

serves_every_jurisdiction if {
	count(covered_jurisdictions) > 0
	count(missing_jurisdictions) == 0
}

deny contains lib.finding(email_field, msg) if {
	not contact_has_email
	msg := lib.message(
		"governance.emb_contact.email is {declared}; the standard requires an email address for the EMB contact",
		{"declared": lib.declared(email_field)},
	)
}

deny contains lib.finding(jurisdictions_field, msg) if {
	not serves_every_jurisdiction
	msg := lib.message(
		"governance.emb_contact.jurisdictions is {declared}; the standard requires every one of {source} ({required}); missing: {missing}",
		{
			"declared": lib.declared(jurisdictions_field),
			"source": lib.jurisdictions_source,
			"required": covered_jurisdictions,
			"missing": missing_jurisdictions,
		},
	)
}
