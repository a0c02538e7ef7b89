# METADATA
# title: Election-related processing is in the records of processing
# description: |
#   Every election-related processing purpose the platform declares is listed in its
#   records of processing activities.
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/reg/2016/679/oj#art_30
#     description: GDPR Art 30
# custom:
#   id: GOV-02
#   severity: medium
#   aceeeo: [R3]
#   rationale: |
#     A purpose missing from the records of processing escapes the supervisory
#     authority's and the EMB's view of what is done with voters' data.
#   applies_when: Always.
#   remediation: Add the missing purposes to the records of processing activities (GDPR Art 30).
#   basis: law
#   references:
#   - cites: GDPR Art 30
#     state: confirmed
#     words: 'Art 30(1): "shall maintain a record of processing activities … (b) the purposes
#       of the processing"'
#     read_in: the Official Journal text (copy in github.com/kasnder/eur-lex-visualiser, commit
#       0fc8465)
package edhs.gov.records_of_processing

import data.edhs.lib
import rego.v1

default applicable := true

purposes_field := ["processing", "purposes"]

purposes_declared if is_array(input.processing.purposes)

in_records(purpose) if purpose.in_records_of_processing == true

deny contains lib.finding(purposes_field, msg) if {
	not purposes_declared
	msg := "processing.purposes is not stated; the standard requires the election-related processing purposes, each listed in the records of processing"
}

deny contains lib.finding(field, msg) if {
	some i, purpose in input.processing.purposes
	not in_records(purpose)
	field := array.concat(purposes_field, [i, "in_records_of_processing"])
	msg := lib.message(
		"processing.purposes[{index}] ({name}): in_records_of_processing is {declared}; the standard requires every election-related purpose in the records of processing",
		{
			"index": i,
			"name": lib.declared(array.concat(purposes_field, [i, "name"])),
			"declared": lib.declared(field),
		},
	)
}
