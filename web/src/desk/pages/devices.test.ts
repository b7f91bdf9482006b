import { describe, expect, it } from 'vitest'

import { ALERT_RED, DEVICE_COLOURS, deviceColour, deviceQuery, devicesHeadText, eventText, houseLink, isAlertEvent } from './devices.ts'

describe('the devices page helpers', () => {
  it('asks for the alerting devices unless told otherwise, and passes the kind and town', () => {
    expect(deviceQuery(new URLSearchParams('kind=gas_alarm&area=330109001')).toString()).toBe(
      'alerting=true&kind=gas_alarm&area=330109001&limit=500',
    )
    expect(deviceQuery(new URLSearchParams('alerting=all')).toString()).toBe('limit=500')
    expect(deviceQuery(new URLSearchParams('alerting=false&kind=smoke_detector')).toString()).toBe(
      'alerting=false&kind=smoke_detector&limit=500',
    )
    // Unknown values and the record's own parameters are not passed on.
    expect(deviceQuery(new URLSearchParams('alerting=maybe&cursor=9&tab=x')).toString()).toBe('limit=500')
  })

  it('colours alerting devices red, retired ones grey, the others by kind', () => {
    expect(deviceColour({ alerting: true, status: 'active', kind: 'smoke_detector' })).toBe(ALERT_RED)
    expect(deviceColour({ alerting: true, status: 'retired', kind: 'gas_alarm' })).toBe(ALERT_RED)
    expect(deviceColour({ alerting: false, status: 'retired', kind: 'gas_alarm' })).toBe('#8a8a8a')
    expect(deviceColour({ alerting: false, status: 'active', kind: 'gas_cylinder' })).toBe(DEVICE_COLOURS.gas_cylinder)
    // No kind is drawn in the alert colour.
    expect(Object.values(DEVICE_COLOURS)).not.toContain(ALERT_RED)
  })

  it('marks alarms and faults, and only those, as alerts', () => {
    expect(
      ['alarm', 'fault', 'offline', 'online', 'reading', 'test', 'filling', 'delivery'].filter((k) => isAlertEvent(k as never)),
    ).toEqual(['alarm', 'fault'])
  })

  it('counts what matches in the head, and says how many are listed when fewer', () => {
    expect(devicesHeadText(3, 3, true, 'zh')).toBe('3 台设备告警中')
    expect(devicesHeadText(0, 0, true, 'zh')).toBe('0 台设备告警中')
    expect(devicesHeadText(620, 500, false, 'zh')).toBe('共 620 台设备，已列出 500 台')
    expect(devicesHeadText(620, 500, true, 'zh')).toBe('共 620 台设备告警中，已列出 500 台')
    expect(devicesHeadText(12, 12, false, 'en')).toBe('12 devices')
  })

  it('words an event: its kind (a reading with its value), then its value, station and place when given', () => {
    expect(eventText({ kind: 'filling', value: 15, station: '城东充装站', address: null }, 'zh')).toBe('充装 · 数值 15 · 充装站 城东充装站')
    expect(eventText({ kind: 'alarm', value: null, station: null, address: null }, 'zh')).toBe('告警')
    expect(eventText({ kind: 'alarm', value: 120, station: null, address: null }, 'zh')).toBe('告警 · 数值 120')
    expect(eventText({ kind: 'reading', value: 23, station: null, address: null }, 'zh')).toBe('读数 23')
    expect(eventText({ kind: 'reading', value: null, station: null, address: null }, 'en')).toBe('Reading')
    expect(eventText({ kind: 'delivery', value: null, station: null, address: '金城路440号' }, 'en')).toBe('Delivery · 金城路440号')
  })

  it("links a house to the people page's house record", () => {
    expect(houseLink('H-12')).toBe('/desk/people/house-H-12')
    expect(houseLink('H 1/2')).toBe('/desk/people/house-H%201%2F2')
  })
})
