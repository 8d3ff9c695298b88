"""Backup and restore of the embedded default (SQLite + local files); PostgreSQL and S3: docs/backup.md.

manage.py backup create [--output DIR]          # var/backups/guichet-backup-<date>.tar.gz
manage.py backup check ARCHIVE                  # checksums and row counts against the manifest
manage.py backup restore ARCHIVE [--database FILE] [--files DIR] [--force]
"""

from django.core.management.base import BaseCommand, CommandError

from core import backup


class Command(BaseCommand):
    help = "Sauvegarde cohérente (ou restauration) de l'installation embarquée : base SQLite et fichiers locaux."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Écrit une archive de la base et des fichiers.")
        create.add_argument("--output", help="Dossier de l'archive (défaut : var/backups).")
        check = sub.add_parser("check", help="Vérifie une archive (empreintes, lignes par table).")
        check.add_argument("archive")
        restore = sub.add_parser("restore", help="Restaure une archive dans une base et un dossier vides.")
        restore.add_argument("archive")
        restore.add_argument("--database", help="Fichier SQLite cible (défaut : la base configurée).")
        restore.add_argument("--files", help="Dossier des fichiers (défaut : celui du stockage configuré).")
        restore.add_argument("--force", action="store_true", help="Remplace une base et des fichiers existants.")

    def handle(self, *args, action, **options):
        try:
            getattr(self, f"_{action}")(**options)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc

    def _create(self, output=None, **options):
        archive = backup.create_backup(output or backup.default_backup_directory())
        manifest, problems = backup.verify_backup(archive)
        rows = sum(manifest["database"]["tables"].values())
        self.stdout.write(
            self.style.SUCCESS(f"{archive} : {rows} ligne(s), {len(manifest['files'])} fichier(s), vérifiée.")
        )
        if manifest["missing_files"]:
            self.stdout.write(
                self.style.WARNING(
                    f"{len(manifest['missing_files'])} fichier(s) référencé(s) par la base absent(s) du disque : "
                    + ", ".join(manifest["missing_files"][:10])
                )
            )
        if problems:
            raise CommandError("; ".join(problems))

    def _check(self, archive, **options):
        manifest, problems = backup.verify_backup(archive)
        if problems:
            raise CommandError("Archive invalide : " + " ; ".join(problems))
        rows = sum(manifest["database"]["tables"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"{archive} : valide ({manifest['created_at']}, {rows} ligne(s), {len(manifest['files'])} fichier(s), "
                f"{len(manifest['missing_files'])} fichier(s) manquant(s) à la sauvegarde)."
            )
        )

    def _restore(self, archive, database=None, files=None, force=False, **options):
        target_db = database or backup.configured_database_file()
        target_files = files or backup.local_files_root()
        manifest = backup.restore_backup(archive, database=target_db, files=target_files, force=force)
        rows = sum(manifest["database"]["tables"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Restauré dans {target_db} et {target_files} : {rows} ligne(s), {len(manifest['files'])} fichier(s). "
                "Redémarrez le portail et le worker."
            )
        )
