/** Words the generators name rules, aliases and lists with, and port ranges they use (shared so the configs look alike). */
export const WORDS =
  'office printer backup camera nas vpn erp crm mail web phones pbx sip guest monitoring ldap ntp dns build lab'.split(
    ' ',
  );

export const RANGES = ['10000-20000', '16384-32767', '1024-65535', '6000-6100', '49152-65535', '3478-3481'];
