# METADATA
# scope: subpackages
# title: Governance and accountability
# description: |
#   Who answers for voters' data at the platform, and how election-related processing is
#   recorded, assessed, audited and contracted out.
# custom:
#   family: GOV
package edhs.gov
