# METADATA
# title: Publicly accessible data is available to researchers
# description: |
#   A very large platform lets researchers access the data publicly accessible on its
#   service, for instance through an API.
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/reg/2022/2065/oj#art_40
#     description: DSA Art 40(12)
# custom:
#   id: ACC-02
#   severity: medium
#   aceeeo: [R2, R7]
#   rationale: |
#     Access to public data lets researchers and civil society track disinformation
#     campaigns around an election as they happen.
#   applies_when: Very large online platforms (DSA Art 33).
#   remediation: Open a research API for publicly accessible data.
#   basis: law
#   references:
#   - cites: DSA Art 40(12)
#     state: confirmed
#     words: '"give access without undue delay to data … provided that the data is publicly
#       accessible in their online interface"'
#     read_in: the Official Journal text (copy in github.com/kasnder/eur-lex-visualiser, commit
#       0fc8465)
package edhs.acc.public_data_access

import data.edhs.lib
import rego.v1

default applicable := false

applicable if lib.vlop

field := ["data_access", "public_data_api"]

public_data_open_to_researchers if input.data_access.public_data_api == true

deny contains lib.finding(field, msg) if {
	applicable
	not public_data_open_to_researchers
	msg := lib.message(
		"data_access.public_data_api is {declared}; the standard requires researchers to have access to publicly accessible data",
		{"declared": lib.declared(field)},
	)
}
