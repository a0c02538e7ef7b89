# METADATA
# title: A public, searchable ad repository is kept long enough
# description: |
#   Every political ad and its transparency notice is kept in a repository that anyone can
#   consult, search by several criteria and query through an API, for at least seven
#   years after the ad last ran.
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/reg/2024/900/oj#art_13
#     description: TTPA Art 13 (European repository, run by the EU)
#   - ref: https://eur-lex.europa.eu/eli/reg/2024/900/oj#art_12
#     description: TTPA Art 12 (notice retention)
#   - ref: https://eur-lex.europa.eu/eli/reg/2022/2065/oj#art_39
#     description: 'DSA Art 39 (VLOPs: at least one year after the last presentation)'
# custom:
#   id: ADS-06
#   severity: high
#   aceeeo: [R2, R6]
#   rationale: |
#     EMBs, researchers and journalists can only scrutinise a campaign after the fact if
#     its ads stay public, searchable and machine-readable long enough.
#   applies_when: Platforms that accept political ads.
#   remediation: Make the repository public, searchable and reachable by API, and extend its retention.
#   basis: law+threshold
#   basis_note: DSA Art 39 requires very large platforms to keep an ad repository until one
#     year after an ad last ran (the TTPA's Art 13 repository is run by the EU); 7 years in
#     the platform's own repository is the standard's choice.
#   references:
#   - cites: TTPA Art 13 (European repository, run by the EU)
#     state: unconfirmed
#     note: Art 13 was not read verbatim (its retention rule is unconfirmed); its title "Registro
#       europeo dei messaggi di pubblicità politica online" [European repository for online
#       political advertisements] was read (http://edizionieuropee.it/law/html/222/eu18_03_101.html)
#   - cites: TTPA Art 12 (notice retention)
#     state: unconfirmed
#     note: the paragraph and the 7-year period were not in the part of Art 12 read (https://fantasticsearch.net/law/eu/en?article=1&id=C20lZpsB1anJoctMn1XG)
#   - cites: 'DSA Art 39 (VLOPs: at least one year after the last presentation)'
#     state: confirmed
#     words: '"searchable and reliable tool that allows multicriteria queries and through application
#       programming interfaces … until one year after"'
#     read_in: https://overview.legal/laws/dsa/art-39; the Official Journal text (copy in github.com/kasnder/eur-lex-visualiser,
#       commit 0fc8465)
package edhs.ads.ad_repository

import data.edhs.lib
import rego.v1

default applicable := false

applicable if lib.sells_political_ads

min_years := data.edhs.params.min_repository_retention_years

public_field := ["political_ads", "repository", "public"]

api_field := ["political_ads", "repository", "api"]

searchable_field := ["political_ads", "repository", "searchable"]

retention_field := ["political_ads", "repository", "retention_years"]

publicly_accessible if input.political_ads.repository.public == true

reachable_by_api if input.political_ads.repository.api == true

searchable if input.political_ads.repository.searchable == true

kept_long_enough if {
	years := input.political_ads.repository.retention_years
	is_number(years)
	years >= min_years
}

deny contains lib.finding(public_field, msg) if {
	applicable
	not publicly_accessible
	msg := lib.message(
		"political_ads.repository.public is {declared}; the standard requires anyone to be able to consult the ad repository",
		{"declared": lib.declared(public_field)},
	)
}

deny contains lib.finding(api_field, msg) if {
	applicable
	not reachable_by_api
	msg := lib.message(
		"political_ads.repository.api is {declared}; the standard requires the ad repository to be reachable through an API",
		{"declared": lib.declared(api_field)},
	)
}

deny contains lib.finding(searchable_field, msg) if {
	applicable
	not searchable
	msg := lib.message(
		"political_ads.repository.searchable is {declared}; the standard requires the ad repository to be searchable by several criteria",
		{"declared": lib.declared(searchable_field)},
	)
}

deny contains lib.finding(retention_field, msg) if {
	applicable
	not kept_long_enough
	msg := lib.limit_message("min_repository_retention_years", 
		"political_ads.repository.retention_years is {declared}; the standard requires ads to stay in the repository for at least {limit} years",
		{"declared": lib.declared(retention_field), "limit": min_years},
	)
}
