# METADATA
# title: Vetted researchers can access data
# description: |
#   A very large platform publishes the process through which vetted researchers request
#   access to its data to study systemic risks, electoral ones among them.
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/reg/2022/2065/oj#art_40
#     description: DSA Art 40(4)
# custom:
#   id: ACC-01
#   severity: high
#   aceeeo: [R2, R7]
#   rationale: |
#     Independent research is how EMBs and the public learn whether a platform's risks to
#     elections are real and whether its measures work.
#   applies_when: Very large online platforms (DSA Art 33).
#   remediation: Publish the process for vetted researchers to request data access.
#   basis: standard
#   basis_note: Under DSA Art 40(4) and 40(8) the Digital Services Coordinator vets researchers;
#     publishing a process for them is the standard's addition.
#   references:
#   - cites: DSA Art 40(4)
#     state: confirmed
#     words: '"Upon a reasoned request from the Digital Services Coordinator … provide access
#       to data to vetted researchers"'
#     read_in: the Official Journal text (copy in github.com/kasnder/eur-lex-visualiser, commit
#       0fc8465)
package edhs.acc.vetted_researcher_access

import data.edhs.lib
import rego.v1

default applicable := false

applicable if lib.vlop

field := ["data_access", "vetted_researchers", "process_url"]

access_process_published if lib.web_address(input.data_access.vetted_researchers.process_url)

deny contains lib.finding(field, msg) if {
	applicable
	not access_process_published
	msg := lib.message(
		"data_access.vetted_researchers.process_url is {declared}; the standard requires the address of the published access process for vetted researchers",
		{"declared": lib.declared(field)},
	)
}
