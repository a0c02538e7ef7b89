# METADATA
# scope: subpackages
# title: Lawful basis and consent
# description: |
#   On what legal ground the platform processes voters' data, and how it asks for, keeps
#   and respects the consent that political-ad targeting needs.
# custom:
#   family: LAW
package edhs.law
