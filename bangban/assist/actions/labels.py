"""The Chinese names of this app's audit actions (the audit page shows them)."""

ACTION_LABELS = {
    "assist.site_create": "新增帮办代办站点",
    "assist.site_active": "启用/停用帮办代办站点",
    "assist.roster_add": "帮办代办员上岗",
    "assist.roster_remove": "帮办代办员离岗",
    "assist.record_create": "登记帮办服务",
    "assist.errand_open": "受理代办",
    "assist.errand_start": "开始办理代办",
    "assist.errand_step": "记录代办办理步骤",
    "assist.material_in": "登记代办材料交接",
    "assist.material_out": "登记代办材料退还",
    "assist.errand_request": "提请企业确认代办办结",
    "assist.errand_confirm": "企业确认代办办结",
    "assist.errand_send_back": "企业退回代办",
    "assist.errand_close": "凭纸质确认办结代办",
    "assist.errand_terminate": "终止代办",
    "assist.export": "导出帮办代办台账",
}
