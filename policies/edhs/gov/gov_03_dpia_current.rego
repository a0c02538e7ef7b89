# METADATA
# title: A current DPIA covers election-related processing
# description: |
#   A data protection impact assessment covers political advertising, targeting and
#   election-integrity processing, and was reviewed no more than a set number of months
#   (12 by default) before the declaration was submitted.
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/reg/2016/679/oj#art_35
#     description: GDPR Art 35
#   - ref: https://www.edpb.europa.eu/our-work-tools/our-documents/guidelines/guidelines-82020-targeting-social-media-users_en
#     description: EDPB Guidelines 8/2020 on the targeting of social media users
# custom:
#   id: GOV-03
#   severity: high
#   aceeeo: [R3, R4]
#   rationale: |
#     Targeting and profiling voters is high-risk processing; an assessment that leaves it
#     out, or that predates the campaign, cannot show the risks to voters were weighed.
#   applies_when: Always.
#   remediation: Carry out or review the DPIA so that it covers election-related processing and is current.
#   basis: law+threshold
#   basis_note: GDPR Art 35(11) asks for a review of the DPIA when the risk changes; a review
#     at least every 12 months is the standard's choice.
#   references:
#   - cites: GDPR Art 35
#     state: confirmed
#     words: Art 35(1) DPIA "prior to the processing"; 35(11) review "at least when there is
#       a change of the risk"
#     read_in: the Official Journal text (copy in github.com/kasnder/eur-lex-visualiser, commit
#       0fc8465)
#   - cites: EDPB Guidelines 8/2020 on the targeting of social media users
#     state: unconfirmed
#     note: the DPIA passage was not read (the document exists); a Bird & Bird summary says
#       the guidelines "summarise key data protection requirements (data protection impact assessments,
#       transparency and right of access)" (https://www.twobirds.com/en/insights/2020/global/edpb-guidelines-on-targeting-social-media-users)
package edhs.gov.dpia_current

import data.edhs.lib
import rego.v1

default applicable := true

max_age := data.edhs.params.max_dpia_age_months

coverage_field := ["governance", "dpia", "covers_election_processing"]

review_field := ["governance", "dpia", "last_reviewed"]

covers_election_processing if input.governance.dpia.covers_election_processing == true

reviewed_recently if lib.within_months(input.governance.dpia.last_reviewed, lib.reference_date, max_age)

deny contains lib.finding(coverage_field, msg) if {
	not covers_election_processing
	msg := lib.message(
		"governance.dpia.covers_election_processing is {declared}; the standard requires a DPIA that covers political advertising, targeting and election-integrity processing",
		{"declared": lib.declared(coverage_field)},
	)
}

deny contains lib.finding(review_field, msg) if {
	not reviewed_recently
	msg := lib.limit_message("max_dpia_age_months", 
		"governance.dpia.last_reviewed is {declared}; the standard requires a review no more than {limit} months before the reference date ({reference}), and not after it",
		{
			"declared": lib.declared(review_field),
			"limit": max_age,
			"reference": lib.reference_date,
		},
	)
}
