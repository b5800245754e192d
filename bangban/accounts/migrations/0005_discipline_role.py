from django.db import migrations, models


def seed_discipline_role(apps, schema_editor):
    RoleRecord = apps.get_model("accounts", "RoleRecord")
    RoleRecord.objects.get_or_create(code="discipline")


def remove_discipline_role(apps, schema_editor):
    RoleRecord = apps.get_model("accounts", "RoleRecord")
    RoleRecord.objects.filter(code="discipline").delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_legal_oversight_role")]
    operations = [
        migrations.AlterField(
            model_name="rolerecord",
            name="code",
            field=models.CharField(
                choices=[
                    ("enterprise", "企业用户"),
                    ("hotline_agent", "热线坐席"),
                    ("handler", "承办人"),
                    ("unit_head", "单位负责人"),
                    ("dispatcher", "派单员"),
                    ("biz_office", "营商办"),
                    ("mayor_office", "市政府办公室专人"),
                    ("deputy_secretary_general", "对口联系副秘书长"),
                    ("secretary_general", "秘书长"),
                    ("vice_mayor", "分管市长"),
                    ("mayor", "市长"),
                    ("conduct_office", "作风办"),
                    ("service_officer", "帮办专员/驻厂员"),
                    ("chief_service_officer", "首席服务员"),
                    ("inspector", "执法人员"),
                    ("legal_oversight", "司法局执法监督"),
                    ("volunteer_supervisor", "营商环境监督员"),
                    ("association", "行业协会商会"),
                    ("auditor", "审计员"),
                    ("discipline", "纪委监委"),
                    ("admin", "系统管理员"),
                ],
                max_length=40,
                primary_key=True,
                serialize=False,
                verbose_name="角色编码",
            ),
        ),
        migrations.RunPython(seed_discipline_role, remove_discipline_role),
    ]
