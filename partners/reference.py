"""The reference data of the partners space: regimes and their funds, partner and convention types.

Loaded by the data migration 0002 (and by tests that flush the database); idempotent: rows are
matched on (kind, code) or code, existing rows are left as national admins edited them.
"""

REGIMES = [
    ("CNAV", "CNAV", "Caisse nationale d'assurance vieillesse"),
    ("MSA", "MSA", "Mutualité sociale agricole"),
    ("SSI", "SSI", "Sécurité sociale pour les indépendants"),
    ("CNRACL", "CNRACL", "Caisse nationale de retraites des agents des collectivités locales"),
    ("DGAFP", "DGAFP", "Direction générale de l'administration et de la fonction publique"),
    ("CAVIMAC", "CAVIMAC", "Caisse d'assurance vieillesse, invalidité et maladie des cultes"),
]

# (regime code, fund code, fund name)
FUNDS = [
    ("CNAV", "CARSAT-AM", "CARSAT Alsace-Moselle"),
    ("CNAV", "CARSAT-AQ", "CARSAT Aquitaine"),
    ("CNAV", "CARSAT-AU", "CARSAT Auvergne"),
    ("CNAV", "CARSAT-BFC", "CARSAT Bourgogne-Franche-Comté"),
    ("CNAV", "CARSAT-BR", "CARSAT Bretagne"),
    ("CNAV", "CARSAT-CVL", "CARSAT Centre-Val de Loire"),
    ("CNAV", "CARSAT-CO", "CARSAT Centre-Ouest"),
    ("CNAV", "CARSAT-HDF", "CARSAT Hauts-de-France (Nord-Picardie)"),
    ("CNAV", "CARSAT-LR", "CARSAT Languedoc-Roussillon"),
    ("CNAV", "CARSAT-MP", "CARSAT Midi-Pyrénées"),
    ("CNAV", "CARSAT-NO", "CARSAT Normandie"),
    ("CNAV", "CARSAT-PL", "CARSAT Pays de la Loire"),
    ("CNAV", "CARSAT-RA", "CARSAT Rhône-Alpes"),
    ("CNAV", "CARSAT-SE", "CARSAT Sud-Est"),
    ("CNAV", "CNAV-IDF", "CNAV Île-de-France"),
    ("CNAV", "CGSS-GP", "CGSS Guadeloupe"),
    ("CNAV", "CGSS-MQ", "CGSS Martinique"),
    ("CNAV", "CGSS-GF", "CGSS Guyane"),
    ("CNAV", "CGSS-RE", "CGSS La Réunion"),
    ("CNAV", "CSS-YT", "CSS Mayotte"),
    ("MSA", "MSA-AIN-RHONE", "MSA Ain-Rhône"),
    ("MSA", "MSA-ALPES-NORD", "MSA Alpes du Nord"),
    ("MSA", "MSA-ALPES-VAUCLUSE", "MSA Alpes-Vaucluse"),
    ("MSA", "MSA-ALSACE", "MSA d'Alsace"),
    ("MSA", "MSA-ADL", "MSA Ardèche Drôme Loire"),
    ("MSA", "MSA-ARMORIQUE", "MSA d'Armorique"),
    ("MSA", "MSA-AUVERGNE", "MSA Auvergne"),
    ("MSA", "MSA-BCL", "MSA Beauce Cœur de Loire"),
    ("MSA", "MSA-BERRY-TOURAINE", "MSA Berry-Touraine"),
    ("MSA", "MSA-BOURGOGNE", "MSA de Bourgogne"),
    ("MSA", "MSA-CHARENTES", "MSA des Charentes"),
    ("MSA", "MSA-CORSE", "MSA de la Corse"),
    ("MSA", "MSA-COTES-NORMANDES", "MSA Côtes Normandes"),
    ("MSA", "MSA-DLG", "MSA Dordogne, Lot et Garonne"),
    ("MSA", "MSA-FRANCHE-COMTE", "MSA de Franche-Comté"),
    ("MSA", "MSA-GIRONDE", "MSA de la Gironde"),
    ("MSA", "MSA-GRAND-SUD", "MSA Grand Sud"),
    ("MSA", "MSA-HAUTE-NORMANDIE", "MSA Haute-Normandie"),
    ("MSA", "MSA-IDF", "MSA d'Île-de-France"),
    ("MSA", "MSA-LANGUEDOC", "MSA du Languedoc"),
    ("MSA", "MSA-LIMOUSIN", "MSA du Limousin"),
    ("MSA", "MSA-LOIRE-ATLANTIQUE-VENDEE", "MSA Loire-Atlantique – Vendée"),
    ("MSA", "MSA-LORRAINE", "MSA Lorraine"),
    ("MSA", "MSA-MAINE-ET-LOIRE", "MSA Maine-et-Loire"),
    ("MSA", "MSA-MAM", "MSA Marne Ardennes Meuse"),
    ("MSA", "MSA-MOS", "MSA Mayenne-Orne-Sarthe"),
    ("MSA", "MSA-MPN", "MSA Midi-Pyrénées Nord"),
    ("MSA", "MSA-MPS", "MSA Midi-Pyrénées Sud"),
    ("MSA", "MSA-NPDC", "MSA Nord-Pas de Calais"),
    ("MSA", "MSA-PICARDIE", "MSA de Picardie"),
    ("MSA", "MSA-PORTES-BRETAGNE", "MSA Portes de Bretagne"),
    ("MSA", "MSA-PROVENCE-AZUR", "MSA Provence-Azur"),
    ("MSA", "MSA-SEVRES-VIENNE", "MSA Sèvres-Vienne"),
    ("MSA", "MSA-SUD-AQUITAINE", "MSA Sud Aquitaine"),
    ("MSA", "MSA-SUD-CHAMPAGNE", "MSA Sud Champagne"),
    ("SSI", "SSI", "Sécurité sociale pour les indépendants"),
    ("CNRACL", "CNRACL", "CNRACL"),
    ("DGAFP", "FPE", "FPE – Fonction publique d'État"),
    ("CAVIMAC", "CAVIMAC", "CAVIMAC"),
]

PARTNER_TYPES = [
    ("aide_domicile", "Prestataire de services d'aide à domicile"),
    ("evaluation", "Structure d'évaluation"),
    ("habitat", "Prestataire habitat et cadre de vie"),
]

# A convention's type names the service it covers: the same vocabulary as the partner types.
CONVENTION_TYPES = PARTNER_TYPES


def load(Organisation, PartnerType, ConventionType):
    """Creates what is missing; returns the number of rows created."""
    created = 0
    regimes = {}
    for code, short_name, _long_name in REGIMES:
        regime, new = Organisation.objects.get_or_create(kind="regime", code=code, defaults={"name": short_name})
        regimes[code] = regime
        created += new
    for regime_code, code, name in FUNDS:
        _fund, new = Organisation.objects.get_or_create(
            kind="fund", code=code, defaults={"name": name, "parent": regimes[regime_code]}
        )
        created += new
    for model, rows in ((PartnerType, PARTNER_TYPES), (ConventionType, CONVENTION_TYPES)):
        for code, label in rows:
            _row, new = model.objects.get_or_create(code=code, defaults={"label": label})
            created += new
    return created


def load_reference_data():
    from accounts.models import Organisation

    from .models import ConventionType, PartnerType

    return load(Organisation, PartnerType, ConventionType)
