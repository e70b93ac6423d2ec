"""Write toolkit/data/job_order_sentences.csv: the project's labelled EN/ES job-order sentences.

    python tools/build_job_order_sentences.py

The sentences are authored by the project from templates modelled on the phrasing of H-2A/H-2B
job orders (duties, requirements, housing, transport, wage lines); they are not real job orders.
Each sentence records its template family. A quarter of the sentences of every family, drawn at
random (seeded), form the held-out split; the held-out sentences are unseen, their templates are
not, so held-out scores are optimistic for phrasings unlike any template (the rules in
toolkit.language are the primary detector; the classifier complements them).
Deterministic: the same file every run.
"""
from __future__ import annotations

import csv
import itertools
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "toolkit" / "data" / "job_order_sentences.csv"

DUTY_EN = ["harvesting sweet potatoes", "picking blueberries by hand", "packing tomatoes in the shed",
           "cutting tobacco", "planting pine seedlings", "trimming hedges and mowing lawns",
           "picking crab meat", "cleaning guest rooms", "loading trucks at the warehouse",
           "operating the apple sorting line", "detasseling corn", "pruning grape vines",
           "processing crawfish", "washing dishes in the kitchen", "feeding cattle and repairing fences"]
DUTY_ES = ["la cosecha de camote", "la pizca de arándano a mano", "el empaque de tomate",
           "el corte de tabaco", "la siembra de pinos", "el mantenimiento de jardines",
           "el pelado de jaiba", "la limpieza de habitaciones", "la carga de camiones",
           "la línea de selección de manzana", "el desespigue de maíz", "la poda de viñedos",
           "el procesamiento de langostino", "el lavado de platos", "el cuidado del ganado"]
TASK_EN = ["lift 50 lbs", "work at heights", "stand for 10 hours", "work in cold rooms", "operate a forklift",
           "climb ladders", "work outdoors in the heat"]
TASK_ES = ["levantar 25 kg", "trabajar en alturas", "estar de pie 10 horas", "trabajar en cuartos fríos",
           "manejar montacargas", "subir escaleras", "trabajar al aire libre con calor"]
SEX = {"M": dict(en_pl="men", en_adj="male", en_sg="man", en_w="male workers", es_pl="hombres", es_adj="masculino",
                 es_sg="hombre"),
       "F": dict(en_pl="women", en_adj="female", en_sg="woman", en_w="female workers", es_pl="mujeres",
                 es_adj="femenino", es_sg="mujer")}

POSITIVE = {  # family -> (lang, template)
    "en-only": ("en", "{en_w_cap} only for {duty}."),
    "en-must-be": ("en", "Must be a {en_sg} able to {task}."),
    "en-preferred": ("en", "{en_pl_cap} preferred for {duty}."),
    "en-seeks": ("en", "Employer seeks strong {en_pl} to {task}."),
    "en-position-only": ("en", "This position is for {en_pl} only."),
    "en-only-hired": ("en", "Only {en_pl} will be hired for {duty}."),
    "en-applicants-must": ("en", "Applicants must be {en_adj}; work involves {duty}."),
    "en-hiring": ("en", "Hiring {en_pl} only. Workers must {task}."),
    "en-looking": ("en", "We are looking for {en_adj} workers for {duty}."),
    "en-sex-field": ("en", "Sex: {en_adj}. Duties include {duty}."),
    "es-solo": ("es", "Solo {es_pl} para {duty}."),
    "es-requieren": ("es", "Se requieren {es_pl} para {duty}."),
    "es-buscan": ("es", "Se buscan {es_pl} con experiencia en {duty}."),
    "es-debe-ser": ("es", "Debe ser {es_sg} y poder {task}."),
    "es-solamente": ("es", "{es_pl_cap} solamente; se ofrece vivienda."),
    "es-preferencia": ("es", "Preferencia por {es_pl} para {duty}."),
    "es-sexo": ("es", "Sexo: {es_adj}. Trabajo en {duty}."),
    "es-unicamente": ("es", "Únicamente personal {es_adj} para {duty}."),
    "es-contratan": ("es", "Se contratan {es_pl} para {duty}, no se aceptan otras solicitudes."),
}
NEGATIVE = {
    "en-duty": ("en", "Workers will be {duty} and must {task}."),
    "en-experience": ("en", "Three months of experience in {duty} is required."),
    "en-housing": ("en", "Employer provides free housing near the worksite; work involves {duty}."),
    "en-wage": ("en", "The offered wage for {duty} is $14.68 per hour, paid weekly."),
    "en-both": ("en", "Men and women are welcome to apply for {duty}."),
    "en-no-pref": ("en", "The employer has no gender preference; duties include {duty}."),
    "en-eeo": ("en", "All qualified applicants will be considered regardless of sex for {duty}."),
    "en-mr": ("en", "Mr. Garcia, the owner, will train workers in {duty}."),
    "en-mrs": ("en", "Mrs. Johnson supervises the crew {duty}."),
    "en-transport": ("en", "Daily transportation to the field is provided; workers must {task}."),
    "en-tools": ("en", "Tools, supplies and equipment for {duty} are provided at no cost."),
    "en-hardware": ("en", "Install the female connector on the irrigation line before {duty}."),
    "en-hr": ("en", "Contact human resources in Manchester about {duty}."),
    "en-both-sexes": ("en", "Male and female applicants are equally considered for {duty}."),
    "es-duty": ("es", "Los trabajadores realizarán {duty} y deben {task}."),
    "es-exp": ("es", "Se requieren tres meses de experiencia en {duty}."),
    "es-vivienda": ("es", "El empleador proporciona vivienda gratuita; el trabajo es {duty}."),
    "es-salario": ("es", "El salario ofrecido para {duty} es de 14.68 dólares por hora."),
    "es-ambos": ("es", "Hombres y mujeres son bienvenidos para {duty}."),
    "es-sin-pref": ("es", "Sin preferencia de sexo; el trabajo incluye {duty}."),
    "es-sr": ("es", "El Sr. García, el dueño, enseñará {duty}."),
    "es-sra": ("es", "La Sra. López supervisará {duty}."),
    "es-transporte": ("es", "Se ofrece transporte diario al campo; deben {task}."),
    "es-maleta": ("es", "Traiga una maleta pequeña; el trabajo es {duty}."),
    "es-ambos-sexos": ("es", "Pueden aplicar personas de ambos sexos para {duty}."),
}

def fill(template: str, lang: str, sex: str | None, rng: random.Random) -> str:
    duty = rng.choice(DUTY_EN if lang == "en" else DUTY_ES)
    task = rng.choice(TASK_EN if lang == "en" else TASK_ES)
    words = dict(SEX[sex]) if sex else {}
    for k in list(words):
        words[k + "_cap"] = words[k][:1].upper() + words[k][1:]
    return template.format(duty=duty, task=task, **words)


def build() -> list[dict]:
    rng = random.Random(20240601)
    rows, seen = [], set()
    for label, families in ((1, POSITIVE), (0, NEGATIVE)):
        for family, (lang, template) in families.items():
            sexes = ("M", "F") if label else (None,)
            per = 22 if label else 30
            for sex, _ in itertools.product(sexes, range(per)):
                text = fill(template, lang, sex, rng)
                if text in seen:
                    continue
                seen.add(text)
                kind = "explicit" if label else ("negative-hard" if family.split("-", 1)[1] in
                                                 ("both", "no-pref", "eeo", "mr", "mrs", "hardware", "hr",
                                                  "both-sexes", "ambos", "sin-pref", "sr", "sra", "maleta",
                                                  "ambos-sexos") else "neutral")
                rows.append({"text": text, "lang": lang, "label": label, "preferred_sex": sex or "",
                             "kind": kind, "family": family})
    split_rng = random.Random(7)
    for family in sorted({r["family"] for r in rows}):
        members = sorted((r for r in rows if r["family"] == family), key=lambda r: r["text"])
        held = set(split_rng.sample(range(len(members)), k=round(len(members) * 0.25)))
        for i, r in enumerate(members):
            r["split"] = "heldout" if i in held else "train"
    rows.sort(key=lambda r: (r["split"], r["family"], r["text"]))
    for i, r in enumerate(rows, 1):
        r["sentence_id"] = f"S{i:04d}"
        r["source"] = "authored by the project from job-order-style templates; not real job orders"
    return rows


def main() -> None:
    rows = build()
    cols = ["sentence_id", "text", "lang", "label", "preferred_sex", "kind", "family", "split", "source"]
    with open(OUT, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=cols)
        w.writeheader()
        w.writerows({c: r[c] for c in cols} for r in rows)
    print(f"wrote {len(rows)} sentences to {OUT}")


if __name__ == "__main__":
    main()
