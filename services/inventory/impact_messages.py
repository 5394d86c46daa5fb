"""Messages of the public impact page, French first."""

from __future__ import annotations

from shared.web.i18n import register

register(
    {
        "fr": {
            "figures.title": "L'impact du réemploi dans la métropole",
            "figures.intro": "Ce que Boucle a collecté, remis en service, recyclé, et ce que "
            "ce réemploi a évité. Chaque chiffre vient du registre des appareils et de facteurs "
            "sourcés.",
            "figures.period": "Période",
            "figures.period_all": "Depuis le début.",
            "figures.period_range": "Du {start} au {end}.",
            "figures.period_from": "Du",
            "figures.period_to": "Au",
            "figures.period_hint": "Format AAAA-MM-JJ ; laissez vide pour ne pas borner.",
            "figures.period_apply": "Afficher la période",
            "figures.period_basis": "Les appareils collectés sont comptés à leur date "
            "d'enregistrement, les appareils remis à leur date de remise à un foyer (heure de "
            "Paris).",
            "figures.period_invalid": "La date de début doit précéder la date de fin. Toutes "
            "les données sont affichées.",
            "figures.totals": "Les chiffres",
            "figures.devices_collected": "Appareils collectés",
            "figures.devices_reused": "Appareils remis en état de servir (prêts, réservés ou "
            "remis)",
            "figures.devices_delivered": "Appareils remis à un foyer",
            "figures.devices_recycled": "Appareils recyclés ou démontés pour pièces",
            "figures.households_equipped": "Foyers équipés",
            "figures.ewaste_diverted": "Déchets électroniques évités (kg)",
            "figures.avoided": "Émissions évitées par le réemploi (kg éq. CO2, net)",
            "figures.embodied": "Carbone de fabrication et de distribution des appareils remis "
            "(kg éq. CO2, brut)",
            "figures.weight_note": "Le poids des appareils remis à un foyer : celui mesuré au "
            "point de collecte quand l'appareil y a été pesé, sinon le poids par défaut de son "
            "type.",
            "figures.without_weight": "{count} appareil(s) remis, ni pesés ni d'un type au poids "
            "connu, ne sont pas comptés dans ce poids.",
            "figures.without_factor": "{count} appareil(s) remis d'un type sans facteur ne sont "
            "pas comptés dans les émissions.",
            "figures.chart_title": "Appareils collectés et remis, par mois",
            "figures.chart_desc": "Diagramme en barres : pour chaque mois, le nombre "
            "d'appareils collectés et le nombre d'appareils remis à un foyer. Les mêmes "
            "chiffres figurent dans le tableau qui suit.",
            "figures.chart_empty": "Aucun appareil sur cette période.",
            "figures.month": "Mois",
            "figures.collected": "Collectés",
            "figures.delivered": "Remis",
            "figures.by_month": "Par mois",
            "figures.by_place": "Par lieu de collecte",
            "figures.by_place_note": "Les appareils sont regroupés par le lieu où ils ont été "
            "collectés, avec sa commune.",
            "figures.by_commune": "Par commune",
            "figures.commune": "Commune",
            "figures.place": "Lieu de collecte",
            "figures.place_unknown": "Lieu non renseigné",
            "figures.method": "Méthode",
            "figures.method_text": "Émissions évitées d'un appareil remis : gain de réemploi "
            "ADEME par an × années de seconde vie (la moitié de sa durée de vie théorique) ; "
            "sans gain ADEME, (fabrication + distribution) ÷ durée de vie × années de seconde "
            "vie × 0,75. Le carbone de fabrication brut est donné à part pour que le chiffre "
            "net ne soit jamais gonflé.",
            "figures.methods_used": "Formules appliquées :",
            "figures.factors": "Facteurs : version {version}.",
            "figures.sources": "Sources",
            "figures.open_data": "Données ouvertes",
            "figures.open_data_text": "Les mêmes chiffres, avec la version des facteurs :",
            "figures.open_data_json": "JSON",
            "figures.open_data_csv": "CSV",
        },
        "en": {
            "figures.title": "The impact of reuse across the metropolis",
            "figures.intro": "What Boucle collected, put back into service, recycled, and what "
            "that reuse avoided. Every figure comes from the device register and from sourced "
            "factors.",
            "figures.period": "Period",
            "figures.period_all": "Since the start.",
            "figures.period_range": "From {start} to {end}.",
            "figures.period_from": "From",
            "figures.period_to": "To",
            "figures.period_hint": "Format YYYY-MM-DD; leave empty for no bound.",
            "figures.period_apply": "Show the period",
            "figures.period_basis": "Collected devices are counted on their registration "
            "date, delivered devices on the date they were handed over to a household (Paris "
            "time).",
            "figures.period_invalid": "The start date must come before the end date. All the "
            "data is shown.",
            "figures.totals": "The figures",
            "figures.devices_collected": "Devices collected",
            "figures.devices_reused": "Devices fit for use (ready, reserved or handed over)",
            "figures.devices_delivered": "Devices handed over to a household",
            "figures.devices_recycled": "Devices recycled or dismantled for parts",
            "figures.households_equipped": "Households equipped",
            "figures.ewaste_diverted": "E-waste avoided (kg)",
            "figures.avoided": "Emissions avoided by reuse (kg CO2e, net)",
            "figures.embodied": "Manufacturing and distribution carbon of the devices handed "
            "over (kg CO2e, gross)",
            "figures.weight_note": "The weight of the devices handed over to a household: as "
            "measured at the collection point where it was weighed, else the default weight of "
            "its type.",
            "figures.without_weight": "{count} device(s) handed over, neither weighed nor of a "
            "type with a default weight, are not counted in this weight.",
            "figures.without_factor": "{count} device(s) handed over of a type without a factor "
            "are not counted in the emissions.",
            "figures.chart_title": "Devices collected and handed over, by month",
            "figures.chart_desc": "Bar chart: for each month, the number of devices collected "
            "and the number handed over to a household. The same figures are in the table "
            "that follows.",
            "figures.chart_empty": "No device in this period.",
            "figures.month": "Month",
            "figures.collected": "Collected",
            "figures.delivered": "Handed over",
            "figures.by_month": "By month",
            "figures.by_place": "By collection place",
            "figures.by_place_note": "Devices are grouped by the place where they were "
            "collected, with its commune.",
            "figures.by_commune": "By commune",
            "figures.commune": "Commune",
            "figures.place": "Collection place",
            "figures.place_unknown": "Place not recorded",
            "figures.method": "Method",
            "figures.method_text": "Emissions avoided by a device handed over: ADEME reuse gain "
            "per year × years of second life (half its theoretical lifetime); without an ADEME "
            "gain, (manufacturing + distribution) ÷ lifetime × years of second life × 0.75. "
            "The gross manufacturing carbon is given apart so that the net figure is never "
            "inflated.",
            "figures.methods_used": "Formulas applied:",
            "figures.factors": "Factors: version {version}.",
            "figures.sources": "Sources",
            "figures.open_data": "Open data",
            "figures.open_data_text": "The same figures, with the factors' version:",
            "figures.open_data_json": "JSON",
            "figures.open_data_csv": "CSV",
        },
    }
)
