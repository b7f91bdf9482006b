import { describe, expect, it } from 'vitest'

import { maskChanges, maskParty, maskPii } from './mask.ts'

describe('maskPii', () => {
  it.each([
    ['报警人张三丰称手机13812345678被盗', '报警人张**称手机138****5678被盗'],
    ['身份证330109199001011234，住址萧山', '身份证330109********1234，住址萧山'],
    ['身份证号33010919900101123X', '身份证号330109********123X'],
    ['旧证330109900101123', '旧证330109*****1123'],
    ['联系电话：+86 139-1234-5678'.replace(/-/g, ''), '联系电话：+86 139****5678'],
    ['座机0571-82345678', '座机0571-****5678'],
    ['当事人：李四，与邻居纠纷', '当事人：李*，与邻居纠纷'],
    ['嫌疑人为王小明（男）', '嫌疑人为王**（男）'],
    ['户主陈静报称门锁被撬', '户主陈*报称门锁被撬'],
    ['报警人张三丰电话13812345678', '报警人张**电话138****5678'],
    ['联系人王五13800001111', '联系人王*138****1111'],
    ['申请人张伟民称排水沟被堵', '申请人张**称排水沟被堵'],
    ['被申请人王建华，拒不赔偿', '被申请人王**，拒不赔偿'],
    ['申请人撤回', '申请人撤回'],
  ])('%s', (input, expected) => {
    expect(maskPii(input)).toBe(expected)
  })

  it('leaves text without personal data alone', () => {
    const text = '报警人称停放在楼下的雅迪电动车被盗，损失约3000元，2026年11月1日'
    expect(maskPii(text)).toBe(text)
    expect(maskPii('门牌号萧山区城厢街道人民路123号')).toBe('门牌号萧山区城厢街道人民路123号')
    expect(maskPii(null)).toBeNull()
  })

  it('does not mistake order numbers or amounts for phones', () => {
    expect(maskPii('订单号202611011234567890')).toBe('订单号202611011234567890')
    expect(maskPii('损失12345678元')).toBe('损失12345678元')
  })
})

describe('maskParty', () => {
  it.each([
    ['张三丰 13812345678', '张** 138****5678'],
    ['恒达物业公司 李四 0571-82345678', '恒达物业公司 李* 0571-****5678'],
    ['王五', '王*'],
    ['萧山区城厢街道办事处', '萧山区城厢街道办事处'],
    ['恒达物业公司', '恒达物业公司'],
  ])('%s', (input, expected) => {
    expect(maskParty(input)).toBe(expected)
  })
})

describe('maskChanges', () => {
  it('masks the free text of an edit and leaves codes and dates alone', () => {
    expect(
      maskChanges({
        description: { from: '联系人王五13812345678', to: '已整改' },
        responsible_party: { from: '张三丰', to: null },
        area_code: { from: '330109001001001', to: '330109001001002' },
        due_date: { from: '2026-11-01', to: '2026-11-15' },
      }),
    ).toEqual({
      description: { from: '联系人王*138****5678', to: '已整改' },
      responsible_party: { from: '张**', to: null },
      area_code: { from: '330109001001001', to: '330109001001002' },
      due_date: { from: '2026-11-01', to: '2026-11-15' },
    })
  })
})
