# METADATA
# title: Authorities and EMBs get ad data on request, fast
# description: |
#   Competent authorities, including EMBs where national law designates them, receive the
#   political-ad information they request within a set number of days.
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/reg/2024/900/oj#art_16
#     description: TTPA Art 16–17 (information to authorities)
#   - ref: https://eur-lex.europa.eu/eli/reg/2024/900/oj#art_22
#     description: TTPA Art 22(3) (competent authorities designated by Member States)
# custom:
#   id: ADS-09
#   severity: high
#   aceeeo: [R2]
#   rationale: |
#     An authority checking a campaign during the election period needs the ad data while
#     it can still act, not after the vote.
#   applies_when: Platforms that accept political ads.
#   remediation: Commit to a response deadline for authority requests and staff the process to meet it.
#   basis: law+threshold
#   basis_note: The TTPA requires answers to competent authorities (Art 16-17, deadlines not
#     read), and an EMB receives them only where designated (Art 22(3)); the 10-day deadline
#     is the standard's.
#   references:
#   - cites: TTPA Art 16–17 (information to authorities)
#     state: unconfirmed
#     note: only the titles were read (Art 16 "Trasmissione di informazioni alle autorità nazionali
#       competenti" [transmission of information to national competent authorities]); the response
#       deadlines were not seen (http://edizionieuropee.it/law/html/222/eu18_03_101.html)
#   - cites: TTPA Art 22(3) (competent authorities designated by Member States)
#     state: confirmed
#     words: '"Die Mitgliedstaaten benennen die zuständigen Behörden" [Member States designate
#       the competent authorities]; an EMB receives requests only if designated'
#     read_in: https://gesetze.legal/eu/vo_eu_2024_900/22
package edhs.ads.authority_requests

import data.edhs.lib
import rego.v1

default applicable := false

applicable if lib.sells_political_ads

max_days := data.edhs.params.max_authority_response_days

field := ["political_ads", "authority_requests", "max_response_days"]

answered_in_time if {
	days := input.political_ads.authority_requests.max_response_days
	lib.non_negative_number(days)
	days <= max_days
}

deny contains lib.finding(field, msg) if {
	applicable
	not answered_in_time
	msg := lib.limit_message("max_authority_response_days", 
		"political_ads.authority_requests.max_response_days is {declared}; the standard allows at most {limit} days",
		{"declared": lib.declared(field), "limit": max_days},
	)
}
